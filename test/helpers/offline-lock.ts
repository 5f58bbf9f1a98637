import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../../project/paths"

// There is no registry here: `npm ci --offline` installs only what a lock
// file names, from npm's cache (filled by camscript's own `npm ci`). This
// writes the lock a user's `npm install` would make: the project, camscript
// from `spec` (a tarball), and camscript's runtime dependencies as
// camscript's own lock pins them.

interface LockEntry {
    version?: string
    dev?: boolean
    [k: string]: unknown
}

export function writeOfflineLock(projectDir: string, spec: string): void {
    const lock = JSON.parse(readFileSync(fromRoot("package-lock.json"), "utf8")) as {
        packages: Record<string, LockEntry & { dependencies?: object; bin?: object; engines?: object }>
    }
    const own = lock.packages[""]
    const project = JSON.parse(readFileSync(join(projectDir, "package.json"), "utf8")) as {
        name: string
        version: string
        devDependencies: Record<string, string>
    }
    const packages: Record<string, LockEntry> = {
        "": { name: project.name, version: project.version, devDependencies: project.devDependencies },
        "node_modules/camscript": {
            version: own.version,
            resolved: spec,
            dev: true,
            hasInstallScript: true,
            dependencies: own.dependencies,
            bin: own.bin,
            engines: own.engines,
        },
    }
    for (const [path, entry] of Object.entries(lock.packages)) {
        if (path === "" || entry.dev || path.startsWith("node_modules/camscript")) continue
        packages[path] = { ...entry, dev: true }
    }
    writeFileSync(
        join(projectDir, "package-lock.json"),
        JSON.stringify({ name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages }),
    )
}
