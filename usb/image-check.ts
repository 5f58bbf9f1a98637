import { readDevsHeader } from "../formats/devs-image"
import {
    DEPLOY_ALIGN,
    largestImage,
    type RuntimeProfile,
    runtimeTakesVersion,
    versionText,
} from "../project/runtime"
import type { BoardProgram } from "./program"
import { ProgramFileError } from "./program"

// What the host checks of an image before it touches a board: that it is a
// whole DeviceScript image, that the board's runtime takes its bytecode
// version and its size, and that it was built for this board. Everything a
// runtime would refuse (or choke on) is refused here, by name, before any
// program is stopped or any flash erased.

/** "225,152 bytes" */
export const bytesText = (n: number) => `${n.toLocaleString("en-US")} bytes`

/** The image's share of the runtime's program store, as build prints it. */
export function storeShare(size: number, runtime: RuntimeProfile): string {
    const largest = largestImage(runtime)
    return `${((100 * size) / largest).toFixed(1)}% of the ${bytesText(largest)} the runtime's program store takes`
}

/** Throws ProgramFileError saying what is wrong with the image for this runtime; returns when it can be sent. */
export function checkImageForRuntime(program: BoardProgram, runtime: RuntimeProfile): void {
    const name = program.file ?? "the image"
    const header = readDevsHeader(program.image)
    if (typeof header === "string") throw new ProgramFileError(`${name}: ${header}; nothing was sent to the board`)
    const size = program.image.length
    const largest = largestImage(runtime)
    if (size > largest)
        throw new ProgramFileError(
            `${name} is ${bytesText(size)}, but the ${runtime.firmware} firmware's runtime (DeviceScript ` +
                `${versionText(runtime.version)}) keeps at most ${bytesText(largest)} in its program store; ` +
                "nothing was sent to the board. Make the script smaller (fewer or shorter functions and strings).",
        )
    if (size % DEPLOY_ALIGN)
        throw new ProgramFileError(
            `${name} is ${bytesText(size)}, not a multiple of ${DEPLOY_ALIGN} as every DeviceScript image is: it is damaged; rebuild it`,
        )
    if (!runtimeTakesVersion(runtime.version, header.version))
        throw new ProgramFileError(
            `${name} is bytecode ${versionText(header.version)}, which the ${runtime.firmware} firmware's runtime ` +
                `(DeviceScript ${versionText(runtime.version)}) does not run (it runs ${runtime.version.major}.7 to ` +
                `${runtime.version.major}.${runtime.version.minor}); nothing was sent to the board`,
        )
}

/** The board an image must go to: --board when given (and the image agrees), else the board the image was built for. */
export function checkImageBoard(program: BoardProgram, board: { id: string }): void {
    if (program.board !== undefined && program.board !== board.id)
        throw new ProgramFileError(
            `${program.file ?? "the image"} was built for ${program.board}, not for ${board.id}: ` +
                `rebuild it with \`camscript build --board ${board.id}\`; nothing was sent to the board`,
        )
}
