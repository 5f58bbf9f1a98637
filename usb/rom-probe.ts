import { closePort, openPort } from "./ports"

// Is the board sitting in its ROM serial loader (download mode)? Send the
// loader's SYNC request and see whether a SYNC response comes back.

const SYNC_REQUEST = (() => {
    const body = [0x00, 0x08, 36, 0, 0, 0, 0, 0, 0x07, 0x07, 0x12, 0x20, ...new Array(32).fill(0x55)]
    return Uint8Array.from([0xc0, ...body, 0xc0]) // none of the bytes needs SLIP escaping
})()

export async function romLoaderAnswers(path: string, waitMs = 600): Promise<boolean> {
    let port
    try {
        port = await openPort(path, 115200)
    } catch {
        return false
    }
    try {
        let seen = Buffer.alloc(0)
        const answered = new Promise<boolean>((done) => {
            const timer = setTimeout(() => done(false), waitMs)
            port.on("data", (b: Buffer) => {
                seen = Buffer.concat([seen, b])
                if (seen.includes(Buffer.from([0xc0, 0x01, 0x08]))) {
                    clearTimeout(timer)
                    done(true)
                }
            })
        })
        port.write(Buffer.from(SYNC_REQUEST))
        return await answered
    } finally {
        await closePort(port)
    }
}
