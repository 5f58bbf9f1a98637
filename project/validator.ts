import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import Ajv, { type Options, type ValidateFunction } from "ajv"
import { fromRoot } from "./paths"

// JSON Schema validators for world and board files. Compiling a schema with
// ajv costs about a quarter of a second at every start, so `npm run build`
// (tools/bundle.mjs) writes each validator as code into dist/validators/,
// stamped with the hash of the schema and the options it was made from. A
// stamp that does not match (a schema edited since the build) falls back to
// compiling here: never a stale validator.

/** The identity of a validator: what tools/bundle.mjs stamps on the code it writes. */
function validatorStamp(schema: object, options: Options): string {
    return createHash("sha256").update(JSON.stringify({ schema, options })).digest("hex")
}

export function schemaValidator<T>(name: string, schema: object, options: Options): ValidateFunction<T> {
    const file = fromRoot(`dist/validators/${name}.cjs`)
    if (existsSync(file)) {
        try {
            const mod = createRequire(file)(file) as { stamp?: string; validate?: ValidateFunction<T> }
            if (mod.stamp === validatorStamp(schema, options) && typeof mod.validate === "function") return mod.validate
        } catch {
            // fall through: compile it here
        }
    }
    return new Ajv(options).compile<T>(schema)
}
