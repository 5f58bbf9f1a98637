import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"

// The project root is found by walking up to the folder holding
// services/wifi-station.md: this works from the sources (sim/*.ts, run by
// tsx in tests) and from the esbuild bundle (dist/camscript.cjs) alike.
let cached: string | undefined

function projectRoot(): string {
    if (cached) return cached
    const starts = [
        typeof __dirname === "string" ? __dirname : undefined,
        process.argv[1] && dirname(process.argv[1]),
        process.cwd(),
    ]
    for (const start of starts) {
        if (!start) continue
        let dir = resolve(start)
        for (;;) {
            if (existsSync(join(dir, "services/wifi-station.md")) && existsSync(join(dir, "package.json")))
                return (cached = dir)
            const up = dirname(dir)
            if (up === dir) break
            dir = up
        }
    }
    throw new Error(
        "camscript: cannot find the project folder (services/wifi-station.md); run camscript from inside the project",
    )
}

export function fromRoot(...parts: string[]): string {
    return join(projectRoot(), ...parts)
}
