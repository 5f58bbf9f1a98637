import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type * as Api from "../testing"
import type { RunOptions } from "../sim/session"
import { answerStarting } from "../sim/drivers/camera-server"

// runScript's `serve` option: the camera's HTTP server on a loopback port
// for the test's own clients, what the camera served kept for the run's
// `served`, and the run ended once the clients are done.

export interface Serving {
    /** what runSimulation is given (nothing without `serve`) */
    options: Pick<RunOptions, "serve" | "realtime" | "signal" | "onServed" | "onTimeline">
    served: Api.Served[]
    /** the port closed, its connections cut */
    close(): Promise<void>
    /** throws what the clients threw, or that the script never served */
    check(): void
}

function listen(port: number): Promise<Server> {
    const server = createServer()
    answerStarting(server)
    return new Promise((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) =>
            reject(
                new Error(
                    e.code === "EADDRINUSE"
                        ? `runScript(): serve.port ${port} on 127.0.0.1 is in use; give another, or 0 for any free port`
                        : `runScript(): serve.port ${port}: ${e.message}`,
                ),
            ),
        )
        server.listen(port, "127.0.0.1", () => resolve(server))
    })
}

export async function servedBy(serve: Api.RunOptions["serve"]): Promise<Serving> {
    const served: Api.Served[] = []
    if (!serve) return { options: {}, served, close: async () => {}, check: () => {} }
    if (typeof serve.clients !== "function")
        throw new Error("runScript(): serve.clients must be a function (url) => Promise, the test's clients")
    const port = serve.port ?? 0
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`runScript(): serve.port must be 0..65535 (0: any free port), got ${port}`)
    const server = await listen(port)
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const stop = new AbortController()
    let started = false
    let failure: unknown
    return {
        options: {
            realtime: true,
            serve: { server, url },
            signal: stop.signal,
            onServed: (r) => served.push({ ...r, sequences: [...r.sequences] }),
            onTimeline: (e) => {
                if (started || e.source !== "server" || e.event !== "Serving") return
                started = true
                serve.clients(url).then(
                    () => stop.abort(),
                    (err: unknown) => {
                        failure = err
                        stop.abort()
                    },
                )
            },
        },
        served,
        close: async () => {
            server.closeAllConnections()
            await new Promise<void>((resolve) => server.close(() => resolve()))
            // the clients' ends (fetch's keep-alive sockets) close on the next turns: let them,
            // before a following virtual-time run fakes the timers they clear
            await new Promise((resolve) => setTimeout(resolve, 50))
        },
        check: () => {
            if (failure) throw failure
            if (!started) throw new Error("runScript(): serve was given, but the script never served (cam.serve())")
        },
    }
}
