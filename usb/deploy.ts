import { HardwareError } from "./errors"
import { devsVersion } from "../formats/devs-image"
import type { BoardInfo } from "../project/boards"
import { listBoards } from "../project/boards"
import { type RuntimeProfile, runtimeFor, runtimeTakesVersion, versionText } from "../project/runtime"
import { bytesText, checkImageBoard, checkImageForRuntime } from "./image-check"
import { jd, type JacdacLink, type JDService, openJacdacLink } from "./jacdac-link"
import { closePort, openPort } from "./ports"
import type { BoardProgram } from "./program"
import { romLoaderAnswers } from "./rom-probe"

// Deploying a program through the board's DeviceScript manager, as
// DeviceScript's own CLI does: skip when the board's program hash already
// matches; otherwise stop the program, stream the image through a pipe,
// restore autostart, start it, and read the hash back.
//
// Everything is checked before the board's program is touched: the image
// itself and its size against the runtime's program store (image-check.ts),
// then what the board says: its runtime's version and what board it is.
// Every wait on the board has a deadline and a message (BOARD_STEP_MS).

export const JDUSB_BAUD = 1_500_000

/** A running board announces itself within a second; a loaded machine (CI) may take several. */
const ANSWER_TIMEOUT_MS = 8000

/** One request to the board (a register, a command): jacdac-ts retries within this. */
const BOARD_STEP_MS = 5000
/** The manager answers deploy_bytecode with a pipe port at once (jacdac-ts waits 3 s); the rest of the upload, per chunk. */
const UPLOAD_DEADLINE_MS = 120_000

export interface DeployOptions {
    /** the board the image is for (its product id is compared with the board's); default: no check */
    board?: BoardInfo
    /** the runtime the board is expected to run (default: camscript's firmware) */
    runtime?: RuntimeProfile
    /** fraction 0..1 of the image sent */
    onProgress?: (fraction: number) => void
    /** how long the board has to answer on Jacdac (default ANSWER_TIMEOUT_MS) */
    answerTimeoutMs?: number
    /** the board's log lines from the moment the program (re)starts, while the deploy holds the port */
    onProgramLog?: (line: string) => void
    /** keep holding the port after the deploy (the caller closes result.link): --monitor follows the log on it */
    keepOpen?: boolean
    /** after the upload, before the program starts: `deploy --secret` writes the settings (usb/settings-write.ts) */
    beforeStart?: (manager: JDService) => Promise<void>
}

export interface DeployResult {
    skipped: boolean
    bytes: number
    ms: number
    sha256: string
    /** with keepOpen */
    link?: JacdacLink
}

/** Opens and closes the port once, for errors a user can act on before jacdac-ts hides them. */
async function checkPortOpens(path: string): Promise<void> {
    await closePort(await openPort(path, JDUSB_BAUD))
}

function hex(data: Uint8Array | undefined): string {
    return data ? Buffer.from(data).toString("hex") : ""
}

/** Resolves with `work`, or rejects with a HardwareError saying what the board did not do in time. */
async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => reject(new HardwareError(`the board did not ${what} within ${(ms / 1000).toFixed(0)} s`)),
            ms,
        )
    })
    try {
        return await Promise.race([work, late])
    } finally {
        clearTimeout(timer)
    }
}

async function register(service: JDService, code: number, what: string): Promise<Uint8Array | undefined> {
    const reg = service.register(code)
    await withDeadline(reg.refresh(), BOARD_STEP_MS, `answer a read of its ${what}`)
    return reg.data
}

async function setBool(service: JDService, code: number, value: boolean, what: string): Promise<void> {
    await withDeadline(
        service.register(code).sendSetBoolAsync(value),
        BOARD_STEP_MS,
        `take the setting ${what}=${value}`,
    )
}

/** The board's runtime_version register: DEVS_IMG_VERSION as a u32 (major << 24 | minor << 16 | patch). */
function runtimeVersionOf(data: Uint8Array) {
    return devsVersion(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, data[0], data[1], data[2], data[3]))
}

/** What the board says it is: the control service's product identifier (dcfg "productId" on a DeviceScript board). */
async function boardIdentity(manager: JDService): Promise<number | undefined> {
    const control = manager.device.service(0)
    if (!control) return undefined
    // a board that does not say what it is is not refused for it: the image's own checks stand
    const data = await register(control, jd.ControlReg.ProductIdentifier, "product identifier").catch(() => undefined)
    if (!data || data.length < 4) return undefined
    return new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true)
}

/** What a board's DeviceScript manager says about it, for `camscript devices`. */
export interface RuntimeAnswer {
    /** "2.16.0" */
    runtime?: string
    /** the control service's product identifier, and the board camscript knows by it */
    productId?: number
    board?: BoardInfo
    /** the SHA-256 of the program it holds ("" when none) */
    programSha256?: string
}

export async function describeRuntime(manager: JDService): Promise<RuntimeAnswer> {
    const R = jd.DeviceScriptManagerReg
    const version = await register(manager, R.RuntimeVersion, "runtime version").catch(() => undefined)
    const productId = await boardIdentity(manager)
    const sha = await register(manager, R.ProgramSha256, "program hash").catch(() => undefined)
    return {
        runtime: version && version.length >= 4 ? versionText(runtimeVersionOf(version)) : undefined,
        productId,
        board: productId === undefined ? undefined : boardsByProduct().get(productId),
        programSha256: sha === undefined ? undefined : hex(sha),
    }
}

export async function deployProgram(
    path: string,
    program: BoardProgram,
    options: DeployOptions = {},
): Promise<DeployResult> {
    const runtime = options.runtime ?? runtimeFor("camscript")
    // the image first: nothing about the board is touched for an image no runtime would take
    checkImageForRuntime(program, runtime)
    if (options.board) checkImageBoard(program, options.board)
    await checkPortOpens(path)
    const started = Date.now()
    let programStarted = false
    const link = await openJacdacLink(path, (line) => programStarted && options.onProgramLog?.(line))
    let sent = 0
    let keep = false
    try {
        const manager = await link.manager(options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS)
        if (!manager) {
            await link.close()
            if (await romLoaderAnswers(path))
                throw new HardwareError(
                    `the board on ${path} is in download mode (its ROM serial loader answered), so it cannot take a program.\n` +
                        "Release IO0 (or the BOOT button) and press reset to start the runtime; to write the runtime itself, run `camscript flash`.",
                )
            throw new HardwareError(
                `the device on ${path} answers nothing: no DeviceScript runtime spoke Jacdac within ${((options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS) / 1000).toFixed(0)} s.\n` +
                    "A new board has no runtime yet: run `camscript flash --board <id>` first (see docs/hardware.md). " +
                    "If it was flashed, press reset and try again.",
            )
        }
        const R = jd.DeviceScriptManagerReg
        const runtimeData = await register(manager, R.RuntimeVersion, "runtime version")
        if (runtimeData && runtimeData.length >= 4) {
            const theirs = runtimeVersionOf(runtimeData)
            const image = devsVersion(program.image)
            if (!runtimeTakesVersion(theirs, image))
                throw new HardwareError(
                    `the board's runtime is DeviceScript ${versionText(theirs)}, which runs bytecode ${theirs.major}.7 to ` +
                        `${theirs.major}.${theirs.minor}, but this image is bytecode ${versionText(image)} (the compiler camscript pins); ` +
                        "nothing was sent. Flash a matching runtime with `camscript flash`",
                )
        }
        if (options.board) {
            const product = await boardIdentity(manager)
            const theirs = product === undefined ? undefined : boardsByProduct().get(product)
            if (theirs && theirs.id !== options.board.id)
                throw new HardwareError(
                    `the board on ${path} says it is ${theirs.id} (${theirs.name}, product 0x${product!.toString(16)}), ` +
                        `but this image was built for ${options.board.id} (${options.board.name}); nothing was sent. ` +
                        `Build for the board with \`--board ${theirs.id}\`, or plug in the ${options.board.name}`,
                )
        }
        if (hex(await register(manager, R.ProgramSha256, "program hash")) === program.sha256) {
            // nothing to send; the program starts over, as after an upload
            await setBool(manager, R.Running, false, "running")
            await options.beforeStart?.(manager)
            programStarted = true
            await setBool(manager, R.Running, true, "running")
            keep = options.keepOpen === true
            return {
                skipped: true,
                bytes: program.image.length,
                ms: Date.now() - started,
                sha256: program.sha256,
                link: keep ? link : undefined,
            }
        }
        const autostart = manager.register(R.Autostart)
        await withDeadline(autostart.refresh(), BOARD_STEP_MS, "answer a read of its autostart setting")
        const wasAutostart = autostart.boolValue
        await setBool(manager, R.Autostart, false, "autostart")
        await setBool(manager, R.Running, false, "running")
        let answered = false
        try {
            await withDeadline(
                jd.OutPipe.sendBytes(manager, jd.DeviceScriptManagerCmd.DeployBytecode, program.image, (p) => {
                    // jacdac-ts reports 0.05 once the manager answered with its pipe
                    if (p > 0) answered = true
                    sent = Math.round(p * program.image.length)
                    options.onProgress?.(p)
                    if (link.lost) throw new Error("port lost")
                }),
                UPLOAD_DEADLINE_MS,
                `take the ${bytesText(program.image.length)} image`,
            )
        } catch (e) {
            if (!answered && !link.lost) throw unanswered(path, program.image.length, runtime)
            throw vanished(path, sent, program.image.length, e)
        }
        if (link.lost) throw vanished(path, sent, program.image.length)
        // before autostart returns: restoring it starts the program at once
        await options.beforeStart?.(manager)
        if (wasAutostart !== undefined) await setBool(manager, R.Autostart, wasAutostart, "autostart")
        programStarted = true
        await setBool(manager, R.Running, true, "running")
        const after = hex(await register(manager, R.ProgramSha256, "program hash"))
        if (after !== program.sha256)
            throw new HardwareError(
                `the board took the image but reports a different program hash (${after.slice(0, 16) || "none"}… instead of ${program.sha256.slice(0, 16)}…): deploy again`,
            )
        keep = options.keepOpen === true
        return {
            skipped: false,
            bytes: program.image.length,
            ms: Date.now() - started,
            sha256: program.sha256,
            link: keep ? link : undefined,
        }
    } finally {
        if (!keep) await link.close()
    }
}

function boardsByProduct(): Map<number, BoardInfo> {
    return new Map(listBoards().map((b) => [Number.parseInt(b.productId, 16), b]))
}

function unanswered(path: string, size: number, runtime: RuntimeProfile): HardwareError {
    return new HardwareError(
        `the runtime on ${path} did not answer the deploy of ${bytesText(size)}: a DeviceScript runtime ignores, ` +
            "without a word, an image it cannot store (its program store is full or smaller than expected, " +
            `camscript expects DeviceScript ${versionText(runtime.version)} from devicescript-esp32 ${runtime.devicescriptEsp32.tag}). ` +
            "Its program was stopped: press reset to run it again, then flash the runtime camscript pins with `camscript flash`",
    )
}

function vanished(path: string, sent: number, total: number, cause?: unknown): HardwareError {
    const why = cause instanceof Error ? ` (${cause.message})` : ""
    return new HardwareError(
        `the board on ${path} went away during the deploy, after about ${sent} of ${total} bytes${why}.\n` +
            "Its program was stopped and the new one is incomplete, so the board runs no program now. " +
            "Reconnect it and run `camscript deploy` again.",
    )
}
