import test from "ava"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { fromRoot } from "../project/paths"
import { schemaValidator } from "../project/validator"
import schema from "../sim/world/world.schema.json"

// `npm run build` writes the world and board validators as code, stamped
// with the schema and options they came from; a stamp that does not match
// must never be used (a schema edited since the build compiles afresh).

const built = fromRoot("dist/validators/world.cjs")

test("the built world validator is used when its stamp matches the schema and options", (t) => {
    t.true(existsSync(built), "npm run build writes dist/validators/world.cjs")
    const fromDist = createRequire(built)(built) as { validate: unknown }
    t.is(schemaValidator("world", schema, { allErrors: true }) as unknown, fromDist.validate)
})

test("an edited schema, or other options, compile afresh instead of using the stale code", (t) => {
    const fromDist = (createRequire(built)(built) as { validate: unknown }).validate
    const stricter = { ...schema, required: [...((schema as { required?: string[] }).required ?? []), "zzz"] }
    const fresh = schemaValidator<object>("world", stricter, { allErrors: true })
    t.not(fresh as unknown, fromDist)
    t.false(fresh({ accessPoints: [] }), "the edited schema's new rule holds")
    t.is(fresh.errors?.[0]?.params && (fresh.errors[0].params as { missingProperty?: string }).missingProperty, "zzz")
    t.not(schemaValidator("world", schema, { allErrors: false }) as unknown, fromDist)
})
