import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fromRoot } from "./paths"

// The project's own folder for what camscript keeps between commands: one
// place, `.camscript/` beside the project's devicescript.json (`camscript
// init` writes it and git-ignores the folder), as PlatformIO keeps `.pio/`:
//   .camscript/build/                  the build cache (compiled images by content)
//   .camscript/hardware/<board>/       images for boards and their debug info
//                                      (`build`'s default output, `deploy`'s copies)
//   .camscript/hardware/last-program.json  the last built or deployed, for `monitor`
// The project is the nearest folder, from the current one up, holding a
// devicescript.json, else a package.json; outside any project (a script in
// a bare folder) it is camscript's own folder, as before projects had one.

/** The project folder for the current folder (see above). */
function projectDir(from = process.cwd()): string {
    for (const marker of ["devicescript.json", "package.json"]) {
        let dir = resolve(from)
        for (;;) {
            // a package installed under node_modules is not the user's project
            if (existsSync(join(dir, marker)) && !/[\\/]node_modules[\\/]/.test(`${dir}/`)) return dir
            const up = dirname(dir)
            if (up === dir) break
            dir = up
        }
    }
    return fromRoot()
}

/** A path inside the project's `.camscript/` folder. */
export function stateDir(...parts: string[]): string {
    return join(projectDir(), ".camscript", ...parts)
}
