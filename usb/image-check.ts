import { devsImageProblem } from "../formats/devs-image"
import { largestImage, type RuntimeProfile, runtimeRule } from "../project/runtime"
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
    const problem = devsImageProblem(program.image, runtimeRule(runtime))
    if (problem) throw new ProgramFileError(`${program.file ?? "the image"}: ${problem}; nothing was sent to the board`)
}

/** The board an image must go to: --board when given (and the image agrees), else the board the image was built for. */
export function checkImageBoard(program: BoardProgram, board: { id: string }): void {
    if (program.board !== undefined && program.board !== board.id)
        throw new ProgramFileError(
            `${program.file ?? "the image"} was built for ${program.board}, not for ${board.id}: ` +
                `rebuild it with \`camscript build --board ${board.id}\`; nothing was sent to the board`,
        )
}
