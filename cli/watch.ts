import { type FSWatcher, watch } from "node:fs"
import { dirname, resolve } from "node:path"

// `camscript sim --watch`: run, then run again whenever one of the files the
// run read is saved. Folders are watched rather than files: editors save
// by writing a new file and renaming it over the old one, which a watch on
// the old file would not see again.

/** How long to wait after a change for the rest of a save (editors write in several steps). */
const SETTLE_MS = 150

export function watchRuns(run: (watched: Set<string>) => Promise<number>, signal?: AbortSignal): Promise<number> {
    return new Promise((done) => {
        let watchers: FSWatcher[] = []
        let timer: NodeJS.Timeout | undefined
        let running = false
        let again = false
        let stopped = false
        const stop = () => {
            stopped = true
            for (const w of watchers) w.close()
            clearTimeout(timer)
            process.off("SIGINT", stop)
            done(0)
        }
        // the files of the last run that succeeded: a failed run may stop
        // before it reads them all (a compile error in the script leaves its
        // imports unknown), and a save of any of them must still rerun
        let lastGood = new Set<string>()
        const once = async () => {
            running = true
            const watched = new Set<string>()
            const code = await run(watched)
            running = false
            if (stopped) return
            for (const w of watchers) w.close()
            const files = new Set([...watched, ...(code === 0 ? [] : lastGood)].map((f) => resolve(f)))
            if (code === 0) lastGood = files
            watchers = [...new Set([...files].map((f) => dirname(f)))].map((dir) =>
                watch(dir, (_event, name) => {
                    if (name && files.has(resolve(dir, name.toString()))) changed()
                }),
            )
            process.stderr.write(`camscript: watching ${files.size} file(s); save one to run again, Ctrl-C to stop\n`)
            if (again) changed()
        }
        const changed = () => {
            if (running) {
                again = true
                return
            }
            again = false
            clearTimeout(timer)
            timer = setTimeout(() => {
                process.stderr.write("camscript: a file changed, running again\n")
                void once()
            }, SETTLE_MS)
        }
        process.on("SIGINT", stop)
        signal?.addEventListener("abort", stop)
        void once()
    })
}
