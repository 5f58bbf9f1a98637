#!/usr/bin/env node
// The `camscript` command: runs the bundled CLI (built by `npm ci` into dist/).
const { existsSync } = require("node:fs")
const { join } = require("node:path")
const bundle = join(__dirname, "../dist/camscript.cjs")
if (!existsSync(bundle)) {
    process.stderr.write(
        "camscript: dist/camscript.cjs is missing; run `npm ci` (or `npm run build`) in the camscript folder\n",
    )
    process.exit(2)
}
require(bundle)
    .main(process.argv.slice(2))
    .then(
        (code) => process.exit(code),
        (e) => {
            process.stderr.write(`camscript: internal error: ${(e && e.stack) || e}\n`)
            process.exit(3)
        },
    )
