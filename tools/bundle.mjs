// Bundles the Node side (CLI + simulator) into dist/camscript.cjs with esbuild.
import { build } from "esbuild"
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import Ajv from "ajv"
import standaloneCode from "ajv/dist/standalone/index.js"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
// bin/camscript.cjs keeps V8's code cache of the bundle beside it; a new bundle starts without one
rmSync(join(root, "dist/camscript.cjs.cache"), { force: true })
for (const [entry, out] of [
    ["cli/main.ts", "dist/camscript.cjs"],
    // camscript/testing, for users' tests of their scripts (typed by testing.d.ts)
    ["testing/index.ts", "dist/testing.cjs"],
])
    await build({
        entryPoints: [join(root, entry)],
        outfile: join(root, out),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        sourcemap: true,
        // native bindings: loaded from node_modules at run time
        // esbuild (camscript test) finds its native binary from node_modules
        // jpeg-js: sim/camera/jpeg.ts reads its encoder's own file from node_modules
        external: ["serialport", "@serialport/*", "esbuild", "jpeg-js"],
        logLevel: "warning",
        // the default, said: every character outside ASCII escaped, which
        // bin/camscript.cjs relies on to read the bundle as latin1
        charset: "ascii",
    })
// checked, not assumed: a byte over 0x7f would be read as the wrong character
for (const out of ["dist/camscript.cjs", "dist/testing.cjs"]) {
    const bytes = readFileSync(join(root, out))
    const at = bytes.findIndex((b) => b > 0x7f)
    if (at >= 0) throw new Error(`${out}: byte ${at} is not ASCII; bin/camscript.cjs reads the bundle as latin1`)
}

// The world and board validators as code (see project/validator.ts): stamped with
// the schema and options they were made from, which the runtime checks.
const validators = [
    { name: "world", schema: "sim/world/world.schema.json", options: { allErrors: true } },
    {
        name: "board",
        schema: "boards/board.schema.json",
        options: { allErrors: true, verbose: true, allowUnionTypes: true },
    },
]
mkdirSync(join(root, "dist/validators"), { recursive: true })
for (const { name, schema: file, options } of validators) {
    const schema = JSON.parse(readFileSync(join(root, file), "utf8"))
    const stamp = createHash("sha256").update(JSON.stringify({ schema, options })).digest("hex")
    const ajv = new Ajv({ ...options, code: { source: true } })
    const code = standaloneCode(ajv, ajv.compile(schema))
    writeFileSync(
        join(root, `dist/validators/${name}.cjs`),
        `${code}\nmodule.exports.validate = module.exports;\nmodule.exports.stamp = ${JSON.stringify(stamp)};\n`,
    )
}
