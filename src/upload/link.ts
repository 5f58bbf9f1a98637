import * as ds from "@devicescript/core"
import { requireCamscriptDriver } from "../board"
import { checkContractVersion, complete, DRIVER_ANSWER_MS } from "../network/link"

// The upload driver's client, one per board: parts in chunks, one `send`,
// and the `result` event that answers it. One upload at a time, as the
// driver serves one (services/http-upload.md): a second waits its turn.

/** The major version of services/http-upload.md this module drives. */
export const UPLOAD_CONTRACT_VERSION = 1
/** Bytes of one part per `set_part` packet (payloads are at most 236 bytes). */
export const PART_CHUNK_BYTES = 200

/** A `result` event: the contract's fields. */
export interface UploadAnswer {
    request: number
    status: number
    elapsedMs: number
    sentBytes: number
    reason: number
    tls: number
    via: number
}

/** What one attempt sends. */
export interface Attempt {
    url: string
    headers: string
    caCert: string
    insecure: boolean
    method: number
    index: number
    sequence: number
    timeoutMs: number
}

/** @devsWhenUsed (its methods enter the image only when called: none for a script that never uploads) */
export class UploadLink {
    readonly driver: ds.CamHttpUpload
    private readonly answered: ds.Emitter<number> = ds.emitter<number>()
    private readonly freed: ds.Emitter<number> = ds.emitter<number>()
    private answers: UploadAnswer[] = []
    private nextRequest = 1
    private busy = false
    private checked = false

    constructor() {
        this.driver = new ds.CamHttpUpload()
        const self = this
        // field count of the `result` event
        this.driver.result.subscribe((v) => {
            if (complete(v, 7)) self.onResult(v)
        })
    }

    private onResult(v: any[]) {
        // field order of the `result` event: request, status, elapsed_ms, sent_bytes, reason, tls, via
        this.answers.push({
            request: v[0],
            status: v[1],
            elapsedMs: v[2],
            sentBytes: v[3],
            reason: v[4],
            tls: v[5],
            via: v[6],
        })
        // an answer nobody waits for is dropped with the next one
        if (this.answers.length > 4) this.answers.insert(0, -1)
        this.answered.emit(v[0])
    }

    /** Once: the driver must speak this module's contract version. */
    private async checkDriver(what: string) {
        if (this.checked) return
        await checkContractVersion(
            this.driver.contractVersion,
            UPLOAD_CONTRACT_VERSION,
            "upload driver",
            `${what}: no camscript upload driver answered in ${DRIVER_ANSWER_MS} ms: the board's firmware lacks it; flash the camscript firmware (camscript flash)`,
        )
        this.checked = true
    }

    private async sendPart(request: number, part: number, text: string) {
        const data = Buffer.from(text)
        const total = data.length
        for (let offset = 0; offset < total; offset += PART_CHUNK_BYTES) {
            const end = Math.min(total, offset + PART_CHUNK_BYTES)
            await this.driver.setPart(request, part, 0, offset, total, data.slice(offset, end))
        }
    }

    /** One attempt: null when the driver did not answer within the attempt's timeout and DRIVER_ANSWER_MS. */
    async attempt(a: Attempt, what: string): Promise<UploadAnswer> {
        await this.checkDriver(what)
        while (this.busy) await ds.wait(this.freed, DRIVER_ANSWER_MS)
        this.busy = true
        try {
            const request = this.nextRequest
            // a u16 on the wire; 0 is never used
            this.nextRequest = request >= 65535 ? 1 : request + 1
            await this.sendPart(request, ds.CamHttpUploadPart.Url, a.url)
            if (a.headers) await this.sendPart(request, ds.CamHttpUploadPart.Headers, a.headers)
            if (a.caCert) await this.sendPart(request, ds.CamHttpUploadPart.CaCert, a.caCert)
            await this.driver.send(request, a.index, a.method, a.sequence, a.timeoutMs, a.insecure)
            const start = ds.millis()
            while (true) {
                for (let i = 0; i < this.answers.length; i++) {
                    const r = this.answers[i]
                    if (r.request !== request) continue
                    this.answers.insert(i, -1)
                    return r
                }
                const left = a.timeoutMs + DRIVER_ANSWER_MS - (ds.millis() - start)
                if (left <= 0) return null
                await ds.wait(this.answered, left)
            }
        } finally {
            this.busy = false
            this.freed.emit(0)
        }
    }
}

let link: UploadLink = null

/** The board's one upload driver, created on first use; throws on the stock firmware, which has none. */
export function uploadLink(what: string): UploadLink {
    requireCamscriptDriver("upload", what)
    if (!link) link = new UploadLink()
    return link
}
