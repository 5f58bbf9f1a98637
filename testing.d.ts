// camscript/testing: run a camera script against a simulated world from a
// test of your own (node:test, or any runner), and look at what it did.
// Implemented by testing/index.ts (bundled as dist/testing.cjs).

export interface RunOptions {
    /**
     * The world: a path to a world file (relative to the working folder), the
     * name of a world camscript ships ("wrong-password", "ap-power-cycle", ...),
     * or a world object (docs/world-format.md). Default: the project's
     * devicescript.json "world", else camscript's default world.
     */
    world?: string | object
    /** board id; default: devicescript.json's board, else the world's, else ai_thinker_esp32_cam */
    board?: string
    /** stop after this much simulated time; the outcome is then "timeout". Default "2m". */
    timeout?: string
    /** run exactly this long (for scripts that keep running); the outcome is then "ran-for" */
    runFor?: string
    /** the network drivers: the simulator's models (default) or the firmware's C in WebAssembly */
    driver?: "model" | "firmware"
    /**
     * Settings on the board before the script starts, as `camscript sim
     * --secret` puts them (the script reads them with `settings.get(key)`);
     * values are strings, numbers, booleans, or arrays and objects of those.
     * The project's secrets file is not read: a test never depends on a real password.
     */
    secrets?: Record<string, unknown>
    /**
     * Reach the camera's HTTP server (the script's `cam.serve()`) from the
     * test, as `camscript sim --serve` does: the run is in real time, the
     * server answers on http://127.0.0.1:`port` (default 0: a free port), and
     * `clients(url)` is called once the script serves; the run ends when it
     * resolves (or at `timeout`/`runFor`, real time then). docs/streaming.md.
     */
    serve?: { port?: number; clients: (url: string) => Promise<void> }
}

export interface OutputLine {
    /** simulated milliseconds since the run started */
    atMs: number
    text: string
}

export interface TimelineEntry {
    atMs: number
    /** "sim", "wifi", "eth", "ap", "world", ... */
    source: string
    /** "GotAddress", "Idle", "power-off", "dhcp-lease", ... */
    event: string
    /** the rest, for people */
    detail: string
    /** the link's state, on an interface's state changes */
    state?: string
    rssiDbm?: number
    ssid?: string
    ip?: string
    /** why a link failed ("AuthFailed", "NoApFound", ...) */
    reason?: string
}

export type Interface = "wifi" | "eth" | "ap"

/** A frame the camera delivered to the script; its bytes are a real JPEG. */
export interface Frame {
    /** the world's camera name */
    camera: string
    /** the frame's number since the camera first started */
    sequence: number
    width: number
    height: number
    /** bytes of JPEG */
    length: number
    /** esp32-camera quality 0..63 (lower is better) it was encoded at */
    quality: number
    /** simulated ms when its exposure started */
    exposureStartMs: number
    /** simulated ms when the driver answered the capture */
    capturedAtMs: number
    /** the flash LED lit it */
    flash: boolean
    jpeg: Uint8Array
}

/** A request one of the world's servers received (an upload.post() or put()). */
export interface Upload {
    /** the world server's name */
    server: string
    /** the world's camera name */
    camera: string
    /** "POST" or "PUT" */
    method: string
    /** the path and query the request named */
    path: string
    /** request headers as received, names in lower case (the script's and the driver's) */
    headers: Record<string, string>
    /** the body the server kept; empty when it did not keep it */
    body: Uint8Array
    /** simulated ms when the whole body had arrived */
    atMs: number
    /** the status the server answered (201, 413, 500) */
    status: number
    /** the server kept the body (it answered 2xx); a camera that timed out may still have been kept */
    kept: boolean
    /** the interface it came over: "eth" or "wifi" */
    via: string
}

export interface ScriptRun {
    /** finished: top level returned and nothing pending; error: it threw; timeout; ran-for */
    outcome: "finished" | "error" | "timeout" | "ran-for"
    /** what `camscript sim` would exit with: 0, 1 or 124 */
    exitCode: 0 | 1 | 124
    /** the uncaught error, with the script's file:line */
    error?: string
    output: OutputLine[]
    /** the output's text only */
    lines: string[]
    timeline: TimelineEntry[]
    simulatedMs: number
    /** the link states an interface went through, in order, repeats included */
    statesSeen(iface?: Interface): string[]
    /**
     * Milliseconds from an event to the interface's next GotAddress: `from` is a
     * world event ("power-on", "move-camera", ...) or a time in ms; default 0.
     * undefined when the link did not come up after it.
     */
    timeToLinkUp(options?: { from?: string | number; iface?: Interface }): number | undefined
    /** the reason of the interface's last failure ("AuthFailed", ...), or undefined */
    lastFailureReason(iface?: Interface): string | undefined
    /** every frame the script captured, in order */
    frames: Frame[]
    /** every request the world's servers received, in arrival order */
    uploads: Upload[]
    /** what the world server `name` received, in arrival order */
    received(server: string): Upload[]
    /** every request the camera's server answered (with `serve`), in the order they ended */
    served: Served[]
}

/** One request the camera's HTTP server answered. */
export interface Served {
    camera: string
    /** "stream", "snapshot", or "other" (a path it does not serve: 404) */
    kind: "stream" | "snapshot" | "other"
    path: string
    /** 200, or 401 (password), 404, 405, 503 (a stream client beyond the rule, or the camera not ready) */
    status: number
    /** the client's address */
    address: string
    /** ms since the run started when it arrived, and when it ended (a stream: when the client left) */
    atMs: number
    endedAtMs: number
    /** the test-card frame numbers sent, in order (a snapshot: one) */
    sequences: number[]
}

/** Compile a script file and run it in the simulator. */
export function runScript(file: string, options?: RunOptions): Promise<ScriptRun>

/** Run a script given as source text (written to a temporary file). */
export function runSource(source: string, options?: RunOptions): Promise<ScriptRun>

/**
 * The frame number and exposure time drawn on the simulator's test card,
 * read back from a frame's JPEG (mirrored or flipped too); undefined when the
 * frame is not a test card (an image-file scene).
 */
export function readFrameNumber(jpeg: Uint8Array): { sequence: number; timeMs: number } | undefined
