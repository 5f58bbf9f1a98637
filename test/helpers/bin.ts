import { execFile } from "node:child_process"
import { fromRoot } from "../../project/paths"

// `camscript ...` as a user runs it: the bundled bin, in a child process of
// its own, with its exit code (0 finished, 1 script error, 2 usage, 124
// timeout) and what it wrote. For the CLI in this process (no start-up
// cost), see main.ts.

export interface BinRun {
    code: number
    stdout: string
    stderr: string
}

export interface BinOptions {
    /** default: the project's folder */
    cwd?: string
    /** added to this process's environment */
    env?: Record<string, string>
    /** ms before the run is killed (default 120 s) */
    timeout?: number
}

export function camscriptBin(args: string[], options: BinOptions = {}): Promise<BinRun> {
    return new Promise((done) =>
        execFile(
            process.execPath,
            [fromRoot("bin/camscript.cjs"), ...args],
            {
                cwd: options.cwd ?? fromRoot(),
                env: options.env ? { ...process.env, ...options.env } : process.env,
                timeout: options.timeout ?? 120_000,
            },
            (err, stdout, stderr) => done({ code: err ? Number(err.code ?? -1) : 0, stdout, stderr }),
        ),
    )
}

/** The same, arguments spread: `camscript("sim", "x.ts")`. */
export const camscript = (...args: string[]): Promise<BinRun> => camscriptBin(args)
