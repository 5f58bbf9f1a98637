// The run's compile server (compiler/compile-server.ts), started by
// tools/suite.mjs: `node --import tsx tools/compile-server.ts <socket> <workers>`.
// It says "ready" on its output once every compiler process has loaded the
// compiler, and stops on SIGTERM or when its input closes (the runner died).
// With `--worker` it is one of the pool's compiler processes.
import { serveAsCompileWorker, startCompileServer } from "../compiler/compile-server"

async function main() {
    if (process.argv[2] === "--worker") return serveAsCompileWorker()
    const [socketPath, workers] = process.argv.slice(2)
    if (!socketPath) throw new Error("usage: tools/compile-server.ts <socket> [workers]")
    const server = await startCompileServer({
        socketPath,
        workers: Math.max(1, Number(workers) || 1),
        workerModule: __filename,
        // a larger young generation: a build allocates a few hundred MB of short-lived nodes
        workerExecArgv: [...process.execArgv, "--max-semi-space-size=32"],
        warm: true,
    })
    let stopping = false
    const stop = async () => {
        if (stopping) return
        stopping = true
        await server.close()
        process.stdout.write(
            `${server.compiled()} builds, ${server.cpuSeconds().toFixed(0)} s of CPU in its compiler processes\n`,
        )
        process.exit(0)
    }
    process.on("SIGTERM", () => void stop())
    process.stdin.on("end", () => void stop())
    process.stdin.resume()
    process.stdout.write("ready\n")
}

main().catch((e: Error) => {
    process.stderr.write(`compile server: ${e.stack ?? e.message}\n`)
    process.exit(1)
})
