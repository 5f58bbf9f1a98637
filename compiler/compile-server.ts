import { type ChildProcess, fork } from "node:child_process"
import { createHash } from "node:crypto"
import { rmSync } from "node:fs"
import { createConnection, createServer, type Server, type Socket } from "node:net"
import { fromRoot } from "../project/paths"
import { buildShortcutsOn, useBuildShortcuts } from "./build-shortcuts"
import { type CompilerOutput, compileTree, loadCompiler, type SourceTree } from "./devicescript"

// One warm DeviceScript compiler shared by every process of a test run
// (docs/testing.md, "How compiles are shared").
//
// Loading the compiler (a 28 MB bundle, then V8 compiling TypeScript's
// checker on first use) costs about 4 to 5 s of CPU per process; the suite's
// ~45 ava workers and its CLI children each paid it. `tools/suite.mjs` starts
// this server once per run: a dispatcher on a Unix socket in the run's
// private TMPDIR and a pool of compiler processes (one per core), each loaded
// once. compileScript (compiler/compile.ts) does everything else as before:
// reading the script, the content hash, the build cache and its lock (so a
// script is still compiled once per content across the run); only the
// compiler call itself travels, as the source tree in and the image out.
//
// The client side is switched on by two variables the runner sets:
// CAMSCRIPT_COMPILE_SERVER (the socket) and CAMSCRIPT_COMPILE_SERVER_ROOT
// (the checkout it compiles against). A process of another camscript (the
// installed package the install test makes) has another root and compiles
// in-process: the server reads `camscript/...` from its own checkout.

/**
 * How long the client waits without a sign of life from the server. While a
 * compile waits in the queue or runs, the server says so every
 * KEEPALIVE_MS (a space), so a long queue on a loaded machine is not taken
 * for a dead server; a server that stops answering is.
 */
const SILENCE_DEADLINE_MS = 60_000
const KEEPALIVE_MS = 5_000

/** The longest one build may run in a compiler process before it is stopped (and the compile failed, saying so). */
const BUILD_DEADLINE_MS = 300_000

// captured when the module loads: a simulation in this process fakes the
// global timers (and node:timers') while it runs on the virtual clock, and a
// compile for the next run may be waiting meanwhile
const realSetTimeout = setTimeout
const realClearTimeout = clearTimeout
const realSetInterval = setInterval
const realClearInterval = clearInterval

/** The largest request or answer on the socket (a tree is the script and its imports, each at most 1 MB). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

interface Request {
    files: [string, string][]
    main: string
    /** false: build without the build shortcuts (compiler/build-shortcuts.ts), as the test of them asks */
    shortcuts?: false
}

interface Answer {
    ok: boolean
    binary?: string
    dbgJson?: string
    diagnostics: string[]
    /** the server could not compile (a worker died): not a compile error */
    failure?: string
    /** whether the build took the build shortcuts: the client checks it is what it asked */
    shortcuts?: boolean
}

/** The server this process should send its compiles to, if any. */
function serverSocket(): string | undefined {
    const socket = process.env.CAMSCRIPT_COMPILE_SERVER
    if (!socket) return undefined
    // another checkout's compiles are not this server's to make
    if (process.env.CAMSCRIPT_COMPILE_SERVER_ROOT !== fromRoot()) return undefined
    return socket
}

/** Send one line of JSON, read one line back. */
function exchange(socketPath: string, message: string, deadlineMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
        const socket = createConnection(socketPath)
        // the answer's pieces, joined once its end arrives: an answer is up to
        // a few MB (the debug info), and joining and searching the whole of
        // it again at every piece was quadratic in its length
        const pieces: string[] = []
        let received = 0
        let settled = false
        const finish = (err: Error | undefined, text?: string) => {
            if (settled) return
            settled = true
            realClearTimeout(timer)
            socket.destroy()
            if (err) reject(err)
            else resolve(text!)
        }
        const silent = () =>
            finish(
                new Error(
                    `the compile server at ${socketPath} said nothing for ${deadlineMs / 1000} s: it hangs ` +
                        "(CAMSCRIPT_COMPILE_SERVER; started by tools/suite.mjs)",
                ),
            )
        let timer = realSetTimeout(silent, deadlineMs)
        socket.setEncoding("utf8")
        socket.on("connect", () => socket.write(`${message}\n`))
        socket.on("data", (chunk: string) => {
            // a sign of life: the wait starts again
            realClearTimeout(timer)
            timer = realSetTimeout(silent, deadlineMs)
            // the server's keep-alive spaces come before the answer
            const piece = pieces.length === 0 ? chunk.trimStart() : chunk
            if (piece === "") return
            const nl = piece.indexOf("\n")
            if (nl >= 0) return finish(undefined, pieces.join("") + piece.slice(0, nl))
            pieces.push(piece)
            received += piece.length
            if (received > MAX_MESSAGE_BYTES)
                finish(new Error(`the compile server at ${socketPath} sent an answer over ${MAX_MESSAGE_BYTES} bytes`))
        })
        socket.on("error", (e: NodeJS.ErrnoException) =>
            finish(
                new Error(
                    `the compile server at ${socketPath} cannot be reached (${e.code ?? e.message}): it has stopped or died ` +
                        "(CAMSCRIPT_COMPILE_SERVER is set by tools/suite.mjs for its run; unset it to compile in-process)",
                ),
            ),
        )
        socket.on("close", () =>
            finish(new Error(`the compile server at ${socketPath} closed the connection without an answer: it died`)),
        )
    })
}

/**
 * Compile a tree: through the run's compile server when there is one,
 * otherwise in this process.
 */
export async function compileTreeShared(tree: SourceTree): Promise<CompilerOutput> {
    const socket = serverSocket()
    if (!socket) return compileTree(tree)
    // a process that switched the shortcuts off (the test that compares builds with and
    // without them) has its builds made without them too, in a warm compiler all the same
    const request: Request = {
        files: [...tree.files],
        main: tree.main,
        ...(buildShortcutsOn() ? {} : { shortcuts: false as const }),
    }
    const text = await exchange(socket, JSON.stringify(request), SILENCE_DEADLINE_MS)
    const answer = JSON.parse(text) as Answer
    if (answer.failure) throw new Error(`the compile server at ${socket} failed: ${answer.failure}`)
    if (answer.shortcuts !== (request.shortcuts ?? true))
        throw new Error(
            `the compile server at ${socket} built ${answer.shortcuts ? "with" : "without"} the build shortcuts, against what was asked`,
        )
    return {
        ok: answer.ok,
        binary: answer.binary === undefined ? undefined : new Uint8Array(Buffer.from(answer.binary, "base64")),
        dbgJson: answer.dbgJson,
        diagnostics: answer.diagnostics,
    }
}

function answerFor(out: CompilerOutput): Answer {
    return {
        ok: out.ok,
        binary: out.binary ? Buffer.from(out.binary).toString("base64") : undefined,
        dbgJson: out.dbgJson,
        diagnostics: out.diagnostics,
    }
}

/** A compiler process of the pool: loads the compiler at once, then compiles what it is sent. */
export function serveAsCompileWorker() {
    loadCompiler()
    process.on("message", (m: { id: number; request: Request }) => {
        let answer: Answer
        try {
            useBuildShortcuts(m.request.shortcuts !== false)
            answer = {
                ...answerFor(compileTree({ files: new Map(m.request.files), main: m.request.main })),
                shortcuts: buildShortcutsOn(),
            }
        } catch (e) {
            answer = { ok: false, diagnostics: [], failure: (e as Error).stack ?? String(e) }
        } finally {
            useBuildShortcuts(true)
        }
        const cpu = process.cpuUsage()
        process.send!({ id: m.id, answer, cpuS: (cpu.user + cpu.system) / 1e6 })
    })
    // the dispatcher's end is ours
    process.on("disconnect", () => process.exit(0))
    process.send!({ ready: true })
}

interface Job {
    deadline?: ReturnType<typeof setTimeout>
    overran?: boolean
    id: number
    request: Request
    key: string
    waiting: ((answer: Answer) => void)[]
}

export interface CompileServer {
    socketPath: string
    /** compiles answered (each distinct tree counted once) */
    compiled(): number
    /** CPU seconds of the compiler processes, as of their last answers */
    cpuSeconds(): number
    /** the compiler processes running now */
    workerPids(): number[]
    /** compiles handed to a compiler process and not answered yet */
    inProgress(): number
    close(): Promise<void>
}

/**
 * The dispatcher: listens on `socketPath`, queues the trees, hands each to an
 * idle compiler process (`workerArgs` start one: a script that calls
 * serveAsCompileWorker). Identical trees asked at once are compiled once.
 * A compiler process that dies fails its compile with that said, and is
 * replaced.
 */
export async function startCompileServer(options: {
    socketPath: string
    workers: number
    workerModule: string
    workerExecArgv?: string[]
    /** resolves once every compiler process has loaded the compiler */
    warm?: boolean
}): Promise<CompileServer> {
    const { socketPath } = options
    const queue: Job[] = []
    const inFlight = new Map<string, Job>()
    const idle: ChildProcess[] = []
    const running = new Map<ChildProcess, Job>()
    const all = new Set<ChildProcess>()
    let nextId = 1
    let closing = false
    let compiled = 0
    const cpuOf = new Map<ChildProcess, number>()

    const pump = () => {
        while (idle.length && queue.length) {
            const child = idle.shift()!
            const job = queue.shift()!
            running.set(child, job)
            job.deadline = realSetTimeout(() => {
                job.overran = true
                child.kill("SIGKILL")
            }, BUILD_DEADLINE_MS)
            child.send({ id: job.id, request: job.request })
        }
    }
    const settle = (job: Job, answer: Answer) => {
        if (job.deadline) realClearTimeout(job.deadline)
        inFlight.delete(job.key)
        compiled++
        for (const w of job.waiting) w(answer)
    }
    const readies: Promise<void>[] = []
    const spawnWorker = () => {
        const child = fork(options.workerModule, ["--worker"], {
            execArgv: options.workerExecArgv ?? process.execArgv,
            stdio: ["ignore", "ignore", "inherit", "ipc"],
        })
        all.add(child)
        readies.push(
            new Promise<void>((resolve) => {
                child.on("message", (m: { ready?: boolean; id?: number; answer?: Answer; cpuS?: number }) => {
                    if (m.cpuS !== undefined) cpuOf.set(child, m.cpuS)
                    if (m.ready) {
                        idle.push(child)
                        resolve()
                        pump()
                        return
                    }
                    const job = running.get(child)
                    if (!job || job.id !== m.id) return
                    running.delete(child)
                    idle.push(child)
                    settle(job, m.answer!)
                    pump()
                })
                child.on("exit", (code, signal) => {
                    resolve()
                    all.delete(child)
                    const i = idle.indexOf(child)
                    if (i >= 0) idle.splice(i, 1)
                    const job = running.get(child)
                    running.delete(child)
                    if (job)
                        settle(job, {
                            ok: false,
                            diagnostics: [],
                            failure: job.overran
                                ? `a build ran over ${BUILD_DEADLINE_MS / 1000} s and was stopped (compiling ${job.request.main})`
                                : `its compiler process died (${signal ?? `exit ${code}`}) compiling ${job.request.main}`,
                        })
                    if (!closing) spawnWorker()
                })
            }),
        )
    }
    for (let i = 0; i < options.workers; i++) spawnWorker()

    const onConnection = (socket: Socket) => {
        let text = ""
        socket.setEncoding("utf8")
        socket.on("error", () => socket.destroy())
        socket.on("data", (chunk: string) => {
            text += chunk
            if (text.length > MAX_MESSAGE_BYTES) return socket.destroy()
            const nl = text.indexOf("\n")
            if (nl < 0) return
            socket.removeAllListeners("data")
            let request: Request
            try {
                request = JSON.parse(text.slice(0, nl)) as Request
            } catch {
                return socket.destroy()
            }
            const key = createHash("sha256").update(JSON.stringify(request)).digest("hex")
            // while it waits, a space every few seconds: the client sees the server alive
            const alive = realSetInterval(() => {
                if (!socket.destroyed) socket.write(" ")
            }, KEEPALIVE_MS)
            socket.on("close", () => realClearInterval(alive))
            const reply = (answer: Answer) => {
                realClearInterval(alive)
                if (!socket.destroyed) socket.end(`${JSON.stringify(answer)}\n`)
            }
            const same = inFlight.get(key)
            if (same) {
                same.waiting.push(reply)
                return
            }
            const job: Job = { id: nextId++, request, key, waiting: [reply] }
            inFlight.set(key, job)
            queue.push(job)
            pump()
        })
    }

    rmSync(socketPath, { force: true })
    const server: Server = createServer(onConnection)
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(socketPath, () => resolve())
    })
    if (options.warm) await Promise.all(readies.slice(0, options.workers))
    return {
        socketPath,
        compiled: () => compiled,
        cpuSeconds: () => [...cpuOf.values()].reduce((a, b) => a + b, 0),
        inProgress: () => running.size,
        workerPids: () => [...all].map((c) => c.pid!).filter((pid) => pid !== undefined),
        close: async () => {
            closing = true
            await new Promise<void>((resolve) => server.close(() => resolve()))
            // waited for: their CPU counts in the run's, and none outlives the run
            await Promise.all(
                [...all].map(
                    (child) =>
                        new Promise<void>((resolve) => {
                            if (child.exitCode !== null || child.signalCode !== null) return resolve()
                            const kill = realSetTimeout(() => child.kill("SIGKILL"), 5000)
                            child.once("exit", () => {
                                realClearTimeout(kill)
                                resolve()
                            })
                            child.kill("SIGTERM")
                        }),
                ),
            )
            rmSync(socketPath, { force: true })
        },
    }
}
