import { type ChildProcess, execFile, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fromRoot } from "../../project/paths"

// A pseudo-terminal pair from socat stands in for the USB cable: the virtual
// board on one end, camscript on the other. Tests using it declare
// through needs("socat") (test/helpers/needs.ts). Not a test file's helper
// only (bench/hardware.ts uses it), so it imports nothing of ava: a test file
// declares `test.after.always(stopEverything)` to end what a failed test left.

const running = new Set<() => unknown>()

/** Stop every pair and board still running (socat ended, folders removed). */
export async function stopEverything(): Promise<void> {
    for (const stop of [...running].reverse()) await stop()
}

/** Keep `stop` until it has run (or stopEverything() runs it). */
function whileRunning(stop: () => unknown): { cancel(): void } {
    running.add(stop)
    return { cancel: () => void running.delete(stop) }
}

export interface PtyPair {
    /** the board's end */
    board: string
    /** the host's end */
    host: string
    /** socat's process: killing it is pulling the cable */
    pid: number
    stop(): void
}

/** A pair, stopped (socat ended, its folder removed) by stop() or stopEverything(). */
export async function ptyPair(): Promise<PtyPair> {
    const dir = mkdtempSync(join(tmpdir(), "camscript-pty-"))
    const board = join(dir, "board")
    const host = join(dir, "host")
    const socat = spawn("socat", [`pty,raw,echo=0,link=${board}`, `pty,raw,echo=0,link=${host}`], { stdio: "ignore" })
    const stop = () => {
        if (socat.exitCode === null && socat.signalCode === null) socat.kill()
        rmSync(dir, { recursive: true, force: true })
        safetyNet.cancel()
    }
    const safetyNet = whileRunning(stop)
    for (let i = 0; i < 100 && !(existsSync(board) && existsSync(host)); i++)
        await new Promise((r) => setTimeout(r, 20))
    if (!existsSync(board) || !existsSync(host)) {
        stop()
        throw new Error("socat did not create the pty pair")
    }
    return { board, host, pid: socat.pid!, stop }
}

export interface Cli {
    code: number
    stdout: string
    stderr: string
}

export function camscript(...args: string[]): Promise<Cli> {
    return new Promise((done) => {
        execFile(
            process.execPath,
            [fromRoot("bin/camscript.cjs"), ...args],
            { cwd: fromRoot(), maxBuffer: 16 << 20 },
            (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }),
        )
    })
}

export interface RunningBoard {
    process: ChildProcess
    /** the virtual board's own notes (stderr) so far */
    notes(): string
    /** waits until a note matches */
    waitFor(re: RegExp, timeoutMs?: number): Promise<void>
    stop(): Promise<void>
}

export async function virtualBoard(...args: string[]): Promise<RunningBoard> {
    const child = spawn(process.execPath, [fromRoot("bin/camscript.cjs"), "virtual-board", ...args], {
        cwd: fromRoot(),
        stdio: ["ignore", "ignore", "pipe"],
    })
    let notes = ""
    child.stderr!.on("data", (b: Buffer) => (notes += b.toString()))
    const exited = new Promise<void>((r) => child.once("exit", () => r()))
    // a test that fails before its stop() still ends the board
    const safetyNet = whileRunning(() => board.stop())
    const board: RunningBoard = {
        process: child,
        notes: () => notes,
        async waitFor(re, timeoutMs = 20_000) {
            const until = Date.now() + timeoutMs
            while (!re.test(notes)) {
                if (child.exitCode !== null) throw new Error(`the virtual board exited: ${notes}`)
                if (Date.now() > until) throw new Error(`the virtual board never said ${re}: ${notes}`)
                await new Promise((r) => setTimeout(r, 50))
            }
        },
        async stop() {
            safetyNet.cancel()
            if (child.exitCode === null) child.kill()
            // a board that does not stop on SIGTERM is a bug, but must not hang the suite
            const hard = setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 10_000)
            await exited
            clearTimeout(hard)
            if (child.signalCode === "SIGKILL") throw new Error(`the virtual board ignored SIGTERM: ${notes}`)
        },
    }
    await board.waitFor(/runtime booting|download mode|no runtime in flash/)
    return board
}
