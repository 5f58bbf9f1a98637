import { type ChildProcess, spawn } from "node:child_process"
import type { Readable, Writable } from "node:stream"
import { programPath } from "../../tools/outside-programs"
import { tempDir } from "./cleanup"

// Headless Chromium driven over its DevTools protocol on a pipe
// (--remote-debugging-pipe: Chromium reads commands on fd 3 and writes
// answers and events on fd 4, each message JSON ended by a NUL byte). A
// pipe needs no port and no WebSocket client (Node 20 has no WebSocket
// without a flag), and dies with the browser. Only what the tests use:
// open a page, go to a URL, evaluate an expression (awaiting its promise).

/** Every answer to a command within this; a hung browser fails the test with the command's name. */
const COMMAND_TIMEOUT_MS = 20_000

interface Message {
    id?: number
    method?: string
    sessionId?: string
    result?: Record<string, unknown>
    error?: { message: string }
    params?: Record<string, unknown>
}

export class Browser {
    private nextId = 1
    private readonly waiting = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>()
    private readonly listeners: ((m: Message) => void)[] = []
    private buffered = ""
    private exited = false

    private constructor(private readonly child: ChildProcess) {
        const out = child.stdio[4] as Readable
        out.setEncoding("utf8")
        out.on("data", (chunk: string) => {
            this.buffered += chunk
            let end: number
            while ((end = this.buffered.indexOf("\0")) >= 0) {
                const text = this.buffered.slice(0, end)
                this.buffered = this.buffered.slice(end + 1)
                this.receive(JSON.parse(text) as Message)
            }
        })
        child.on("exit", () => {
            this.exited = true
            for (const w of this.waiting.values()) w.reject(new Error("chromium exited"))
            this.waiting.clear()
        })
    }

    /** Start headless Chromium (the suite's rule: test/helpers/needs.ts decides whether it is there). */
    static launch(): Browser {
        const exe = programPath("chromium")
        if (!exe) throw new Error("chromium is not installed (npm run setup)")
        const profile = tempDir("camscript-chromium-")
        const child = spawn(
            exe,
            [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                `--user-data-dir=${profile}`,
                "--remote-debugging-pipe",
                "about:blank",
            ],
            { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
        )
        return new Browser(child)
    }

    private receive(m: Message) {
        if (m.id !== undefined) {
            const w = this.waiting.get(m.id)
            this.waiting.delete(m.id)
            if (!w) return
            if (m.error) w.reject(new Error(m.error.message))
            else w.resolve(m)
            return
        }
        for (const l of this.listeners) l(m)
    }

    /** One protocol command; its result. */
    send(method: string, params: object = {}, sessionId?: string): Promise<Record<string, unknown>> {
        if (this.exited) return Promise.reject(new Error(`chromium exited before ${method}`))
        const id = this.nextId++
        const input = this.child.stdio[3] as Writable
        input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`)
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiting.delete(id)
                reject(new Error(`chromium did not answer ${method} in ${COMMAND_TIMEOUT_MS} ms`))
            }, COMMAND_TIMEOUT_MS)
            this.waiting.set(id, {
                resolve: (m) => {
                    clearTimeout(timer)
                    resolve(m.result ?? {})
                },
                reject: (e) => {
                    clearTimeout(timer)
                    reject(e)
                },
            })
        })
    }

    /** A new page (tab), attached: its session id. */
    async newPage(): Promise<Page> {
        const { targetId } = await this.send("Target.createTarget", { url: "about:blank" })
        const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true })
        const page = new Page(this, sessionId as string)
        await page.send("Page.enable")
        return page
    }

    /** The next event `method` of `sessionId`, within the timeout. */
    event(method: string, sessionId: string): Promise<Message> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                done()
                reject(new Error(`no ${method} from chromium in ${COMMAND_TIMEOUT_MS} ms`))
            }, COMMAND_TIMEOUT_MS)
            const listener = (m: Message) => {
                if (m.method !== method || m.sessionId !== sessionId) return
                done()
                resolve(m)
            }
            const done = () => {
                clearTimeout(timer)
                const i = this.listeners.indexOf(listener)
                if (i >= 0) this.listeners.splice(i, 1)
            }
            this.listeners.push(listener)
        })
    }

    async close() {
        if (this.exited) return
        const gone = new Promise((r) => this.child.once("exit", r))
        await this.send("Browser.close").catch(() => undefined)
        const timer = setTimeout(() => this.child.kill("SIGKILL"), 5000)
        await gone
        clearTimeout(timer)
    }
}

export class Page {
    constructor(
        private readonly browser: Browser,
        readonly sessionId: string,
    ) {}

    send(method: string, params: object = {}) {
        return this.browser.send(method, params, this.sessionId)
    }

    /** Go to `url` and wait for its load event. */
    async goto(url: string) {
        const loaded = this.browser.event("Page.loadEventFired", this.sessionId)
        const r = await this.send("Page.navigate", { url })
        if (r.errorText) throw new Error(`navigate ${url}: ${String(r.errorText)}`)
        await loaded
    }

    /** The value of `expression` in the page (a promise is awaited); an exception in the page throws here. */
    async evaluate<T>(expression: string): Promise<T> {
        const r = await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true })
        const thrown = r.exceptionDetails as { exception?: { description?: string }; text?: string } | undefined
        if (thrown) throw new Error(`in the page: ${thrown.exception?.description ?? thrown.text}`)
        return (r.result as { value: T }).value
    }
}
