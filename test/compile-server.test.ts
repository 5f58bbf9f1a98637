import test from "ava"
import { join } from "node:path"
import { compileTreeShared, type CompileServer, startCompileServer } from "../compiler/compile-server"
import { compileTree, type SourceTree } from "../compiler/devicescript"
import { fromRoot } from "../project/paths"
import { tempDir } from "./helpers/cleanup"
import { sameBytes } from "./helpers/bytes"

// compiler/compile-server.ts: the run's shared compiler. What it answers
// must be what an in-process build gives; a tree asked twice at once is built
// once; a server that is gone, or a compiler process that dies, is said
// plainly instead of waited on; another checkout's process never uses it.
// The tests set the variables tools/suite.mjs sets, in this worker only.

const tree = (text: string): SourceTree => ({ files: new Map([["src/main.ts", text]]), main: "src/main.ts" })

let server: CompileServer | undefined
const saved = { socket: process.env.CAMSCRIPT_COMPILE_SERVER, root: process.env.CAMSCRIPT_COMPILE_SERVER_ROOT }

function useServer(socket: string | undefined, root = fromRoot()) {
    if (socket === undefined) delete process.env.CAMSCRIPT_COMPILE_SERVER
    else process.env.CAMSCRIPT_COMPILE_SERVER = socket
    process.env.CAMSCRIPT_COMPILE_SERVER_ROOT = root
}

test.before(async () => {
    const dir = tempDir("camscript-compile-server-")
    server = await startCompileServer({
        socketPath: join(dir, "compile.sock"),
        workers: 1,
        workerModule: fromRoot("tools/compile-server.ts"),
        workerExecArgv: ["--import", "tsx"],
        warm: true,
    })
})

test.after.always(async () => {
    await server?.close()
    useServer(saved.socket, saved.root ?? "")
    if (saved.root === undefined) delete process.env.CAMSCRIPT_COMPILE_SERVER_ROOT
})

test.serial("the server's image is the in-process one; a tree asked twice at once is built once", async (t) => {
    useServer(server!.socketPath)
    const source = tree('console.log("served")\n')
    const [a, b] = await Promise.all([compileTreeShared(source), compileTreeShared(source)])
    t.is(server!.compiled(), 1)
    const local = compileTree(source)
    t.true(a.ok && local.ok)
    t.true(a.binary!.length > 100)
    sameBytes(t, a.binary!, local.binary!)
    sameBytes(t, b.binary!, local.binary!)
    t.is(a.dbgJson, local.dbgJson)
    // a compile error travels as diagnostics, as in-process
    const wrong = await compileTreeShared(tree('const n: number = "five"\n'))
    t.false(wrong.ok)
    t.deepEqual(wrong.diagnostics, compileTree(tree('const n: number = "five"\n')).diagnostics)
    t.regex(wrong.diagnostics.join("\n"), /src\/main\.ts\(1,7\): error TS2322/)
})

test.serial("a compiler process that dies fails its compile, saying so, and is replaced", async (t) => {
    useServer(server!.socketPath)
    const [pid] = server!.workerPids()
    const asked = compileTreeShared(tree('console.log("dies")\n'))
    // once the only compiler process has it, it dies under it
    for (let waited = 0; server!.inProgress() === 0; waited += 5) {
        if (waited > 30_000) return t.fail("the compile never reached the compiler process")
        await new Promise((r) => setTimeout(r, 5))
    }
    process.kill(pid, "SIGKILL")
    const e = await t.throwsAsync(asked)
    t.regex(
        e!.message,
        /compile server at .*compile\.sock failed: its compiler process died \(SIGKILL\) compiling src\/main\.ts/,
    )
    const after = await compileTreeShared(tree('console.log("after")\n'))
    t.true(after.ok)
    t.notDeepEqual(server!.workerPids(), [pid])
})

test.serial("a server that is gone: the compile fails at once, naming the socket and the variable", async (t) => {
    const gone = join(tempDir("camscript-compile-gone-", t), "compile.sock")
    useServer(gone)
    const e = await t.throwsAsync(compileTreeShared(tree('console.log("x")\n')))
    t.is(
        e!.message,
        `the compile server at ${gone} cannot be reached (ENOENT): it has stopped or died ` +
            "(CAMSCRIPT_COMPILE_SERVER is set by tools/suite.mjs for its run; unset it to compile in-process)",
    )
})

test.serial("a process of another checkout (an installed camscript) compiles in-process", async (t) => {
    const gone = join(tempDir("camscript-compile-gone-", t), "compile.sock")
    useServer(gone, "/another/camscript")
    const out = await compileTreeShared(tree('console.log("elsewhere")\n'))
    t.true(out.ok)
})
