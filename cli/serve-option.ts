import type { Server } from "node:http"
import { createServer } from "node:http"
import { answerStarting } from "../sim/drivers/camera-server"

// `camscript sim --serve PORT`: the simulated camera's HTTP server
// (cam.serve(), docs/streaming.md) reachable from this machine on
// http://127.0.0.1:PORT while the run lasts. The host port stands for the
// camera's server whatever port the script serves on (a camera's port 80
// needs root on the host). The port is taken before the script is compiled
// and run, so a clash is a usage error at once, not a failure mid-run; only
// loopback listens, so nothing outside this machine reaches the simulated
// camera.

/** A --serve option was wrong, or its port cannot be had. */
export class ServeOptionError extends Error {}

/** The host port of --serve: an integer 1..65535. */
export function servePort(text: string): number {
    const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN
    if (!(port >= 1 && port <= 65535))
        throw new ServeOptionError(`--serve: "${text}" is not a port; give one of 1..65535 (e.g. --serve 8080)`)
    return port
}

/** The host's end of the camera's server, listening. */
export interface ServePort {
    server: Server
    url: string
}

/** Listen on 127.0.0.1:port, or say why not (in use, not allowed). */
export function openServePort(port: number): Promise<ServePort> {
    const server = createServer()
    answerStarting(server)
    return new Promise((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) => {
            const why =
                e.code === "EADDRINUSE"
                    ? `port ${port} on 127.0.0.1 is in use (another program, or another camscript sim --serve); choose another, e.g. --serve ${port === 65535 ? 8080 : port + 1}`
                    : e.code === "EACCES"
                      ? `port ${port} needs privileges on this machine (ports below 1024 do); choose one of 1024..65535, e.g. --serve 8080`
                      : `cannot listen on 127.0.0.1:${port}: ${e.message}`
            reject(new ServeOptionError(`--serve ${port}: ${why}`))
        })
        server.listen(port, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${port}` }))
    })
}

/** Close the port: clients still connected are cut (the run is over). */
export function closeServePort(server: Server): Promise<void> {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
}
