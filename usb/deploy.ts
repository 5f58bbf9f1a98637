import { HardwareError } from "./errors"
import { jd, type JacdacLink, type JDService, openJacdacLink } from "./jacdac-link"
import { closePort, openPort } from "./ports"
import type { BoardProgram } from "./program"
import { romLoaderAnswers } from "./rom-probe"

// Deploying a program through the board's DeviceScript manager, as
// DeviceScript's own CLI does: skip when the board's program hash already
// matches; otherwise stop the program, stream the image through a pipe,
// restore autostart, start it, and read the hash back.

export const JDUSB_BAUD = 1_500_000

/** A running board announces itself within a second; a loaded machine (CI) may take several. */
const ANSWER_TIMEOUT_MS = 8000

export interface DeployOptions {
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

/** major.minor.patch of the bytecode an image carries (header bytes 8..11) */
function imageBytecodeVersion(image: Uint8Array): [number, number, number] {
    const v = new DataView(image.buffer, image.byteOffset, image.byteLength)
    return [image[11], image[10], v.getUint16(8, true)]
}

async function register(service: JDService, code: number): Promise<Uint8Array | undefined> {
    const reg = service.register(code)
    await reg.refresh()
    return reg.data
}

async function setBool(service: JDService, code: number, value: boolean): Promise<void> {
    await service.register(code).sendSetBoolAsync(value)
}

export async function deployProgram(
    path: string,
    program: BoardProgram,
    options: DeployOptions = {},
): Promise<DeployResult> {
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
        const runtime = await register(manager, R.RuntimeVersion)
        if (runtime && runtime.length >= 4) {
            const [major, minor] = [runtime[3], runtime[2]]
            const [imgMajor, imgMinor, imgPatch] = imageBytecodeVersion(program.image)
            if (major !== imgMajor || minor < imgMinor)
                throw new HardwareError(
                    `the board's runtime runs bytecode ${major}.${minor}, but this image is bytecode ${imgMajor}.${imgMinor}.${imgPatch} ` +
                        "(the compiler camscript pins): flash a matching runtime with `camscript flash`",
                )
        }
        if (hex(await register(manager, R.ProgramSha256)) === program.sha256) {
            // nothing to send; the program starts over, as after an upload
            await setBool(manager, R.Running, false)
            await options.beforeStart?.(manager)
            programStarted = true
            await setBool(manager, R.Running, true)
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
        await autostart.refresh()
        const wasAutostart = autostart.boolValue
        await setBool(manager, R.Autostart, false)
        await setBool(manager, R.Running, false)
        try {
            await jd.OutPipe.sendBytes(manager, jd.DeviceScriptManagerCmd.DeployBytecode, program.image, (p) => {
                sent = Math.round(p * program.image.length)
                options.onProgress?.(p)
                if (link.lost) throw new Error("port lost")
            })
        } catch (e) {
            throw vanished(path, sent, program.image.length, e)
        }
        if (link.lost) throw vanished(path, sent, program.image.length)
        // before autostart returns: restoring it starts the program at once
        await options.beforeStart?.(manager)
        if (wasAutostart !== undefined) await setBool(manager, R.Autostart, wasAutostart)
        programStarted = true
        await setBool(manager, R.Running, true)
        const after = hex(await register(manager, R.ProgramSha256))
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

function vanished(path: string, sent: number, total: number, cause?: unknown): HardwareError {
    const why = cause instanceof Error ? ` (${cause.message})` : ""
    return new HardwareError(
        `the board on ${path} went away during the deploy, after about ${sent} of ${total} bytes${why}.\n` +
            "Its program was stopped and the new one is incomplete, so the board runs no program now. " +
            "Reconnect it and run `camscript deploy` again.",
    )
}
