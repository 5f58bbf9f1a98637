// Bundles the Node side (CLI + simulator) into dist/camscript.cjs with esbuild.
import { build } from "esbuild"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
await build({
    entryPoints: [join(root, "sim/cli.ts")],
    outfile: join(root, "dist/camscript.cjs"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: true,
    // native bindings: loaded from node_modules at run time
    external: ["serialport", "@serialport/*"],
    logLevel: "warning",
})
