import { main } from "../../cli/main"

// `camscript` in this process (no child process: no start-up cost), with
// its stdout and stderr captured.

export interface Ran {
    code: number
    stdout: string
    stderr: string
}

export async function camscriptMain(...args: string[]): Promise<Ran> {
    const out = { stdout: "", stderr: "" }
    const write = { stdout: process.stdout.write, stderr: process.stderr.write }
    process.stdout.write = ((chunk: string | Uint8Array) => ((out.stdout += String(chunk)), true)) as never
    process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += String(chunk)), true)) as never
    try {
        return { code: await main(args), ...out }
    } finally {
        process.stdout.write = write.stdout
        process.stderr.write = write.stderr
    }
}
