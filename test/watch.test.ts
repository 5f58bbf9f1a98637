import test from "ava"
import { spawn } from "node:child_process"
import { renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fromRoot } from "../project/paths"
import { camscriptMain } from "./helpers/main"
import { tempDir } from "./helpers/cleanup"

// `camscript sim --watch`: reruns on save, shows a compile error and goes
// on, ends at Ctrl-C with exit 0. The watch runs as a user runs it, in a
// child process, and each step waits for the "watching" line of the run
// before it, so no save can land while a run is still compiling.

test.serial("--watch refuses --json", async (t) => {
    const r = await camscriptMain("sim", "examples/wifi-station.ts", "--watch", "--json")
    t.is(r.code, 2)
    t.regex(r.stderr, /--watch reruns on the terminal: not with --json, --realtime or --serve/)
})

test.serial(
    "--watch reruns on each save, shows a compile error and goes on, and Ctrl-C ends it with exit 0",
    async (t) => {
        const dir = tempDir("camscript-watch-")
        const file = join(dir, "cam.ts")
        // as editors save: a new file renamed over the old one
        const save = (text: string) => {
            writeFileSync(`${file}.tmp`, text)
            renameSync(`${file}.tmp`, file)
        }
        save('console.log("one")\n')
        const child = spawn(
            process.execPath,
            [fromRoot("bin/camscript.cjs"), "sim", file, "--watch", "--no-timeline"],
            {
                cwd: dir,
            },
        )
        let out = ""
        let err = ""
        child.stdout.on("data", (b: Buffer) => (out += b))
        child.stderr.on("data", (b: Buffer) => (err += b))
        const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
        const watching = () => err.split("\n").filter((l) => l.startsWith("camscript: watching")).length
        async function until(what: string, ok: () => boolean) {
            for (let waited = 0; !ok(); waited += 50) {
                if (waited > 60_000 || child.exitCode !== null)
                    throw new Error(`${what}; stdout:\n${out}\nstderr:\n${err}`)
                await new Promise((r) => setTimeout(r, 50))
            }
        }
        try {
            await until("the first run", () => watching() === 1)
            save('console.log("two")\n')
            await until("the rerun after a save", () => watching() === 2)
            save('const n: number = "three"\nconsole.log(n)\n')
            await until("the compile error", () => watching() === 3)
            save('console.log("four")\n')
            await until("the run after the error", () => watching() === 4)
            child.kill("SIGINT")
            t.is(await exited, 0, err)
            t.deepEqual(out.trim().split("\n"), ["[   0.010s] one", "[   0.010s] two", "[   0.010s] four"])
            t.is(err.split("\n").filter((l) => l === "camscript: a file changed, running again").length, 3)
            t.regex(err, /cam\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'/)
        } finally {
            child.kill("SIGKILL")
            rmSync(dir, { recursive: true, force: true })
        }
    },
)

test.serial(
    "--watch after a world error keeps watching the world and the script, and reruns once the world is fixed",
    async (t) => {
        const dir = tempDir("camscript-watch-world-")
        const file = join(dir, "cam.ts")
        const world = join(dir, "home.json")
        const save = (path: string, text: string) => {
            writeFileSync(`${path}.tmp`, text)
            renameSync(`${path}.tmp`, path)
        }
        save(file, 'console.log("ran")\n')
        save(world, '{ "accessPoints": [ { "ssid": "x", "security": "open", "position": [0, 0] } ], "radoi": {} }\n')
        const child = spawn(
            process.execPath,
            [fromRoot("bin/camscript.cjs"), "sim", file, "--world", world, "--watch", "--no-timeline"],
            { cwd: dir },
        )
        let out = ""
        let err = ""
        child.stdout.on("data", (b: Buffer) => (out += b))
        child.stderr.on("data", (b: Buffer) => (err += b))
        const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)))
        const watching = () => err.split("\n").filter((l) => l.startsWith("camscript: watching")).length
        async function until(what: string, ok: () => boolean) {
            for (let waited = 0; !ok(); waited += 50) {
                if (waited > 60_000 || child.exitCode !== null)
                    throw new Error(`${what}; stdout:\n${out}\nstderr:\n${err}`)
                await new Promise((r) => setTimeout(r, 50))
            }
        }
        try {
            await until("the first run, refused by the world", () => watching() === 1)
            t.regex(err, /radoi/)
            // the world file and the script are both watched, though the run stopped at the world
            t.regex(err, /camscript: watching [2-9] file\(s\)/)
            t.is(out, "")
            save(world, '{ "accessPoints": [ { "ssid": "x", "security": "open", "position": [0, 0] } ] }\n')
            await until("the rerun after the world is fixed", () => watching() === 2)
            child.kill("SIGINT")
            t.is(await exited, 0, err)
            t.deepEqual(out.trim().split("\n"), ["[   0.010s] ran"])
        } finally {
            child.kill("SIGKILL")
            rmSync(dir, { recursive: true, force: true })
        }
    },
)
