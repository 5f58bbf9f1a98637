// Run as its own process (serialport's native binding must not live in ava's
// worker thread): camscript's deploy of a .devs file (optionally padded to a
// size) to a port, with the host believing the board's program store is
// `storeKiB` KiB (a board whose runtime has a smaller store than camscript
// expects), optionally with the image's and the host's bytecode minor set to
// `minor` (a board with an older runtime). Prints the outcome as JSON.
import { readFileSync } from "node:fs"
import { deployProgram } from "../../usb/deploy"
import { imageSha256, readProgram } from "../../usb/program"
import { loadBoard } from "../../project/boards"
import { RUNTIMES } from "../../project/runtime"

const [port, input, size, storeKiB, boardId, minor] = process.argv.slice(2)
const program = readProgram(input)
const image = new Uint8Array(Number(size) || program.image.length)
image.set(readFileSync(input).subarray(0, image.length))
// an image (and a host) of a newer bytecode minor than the board's runtime
if (minor) image[10] = Number(minor)
const runtime = {
    ...RUNTIMES.camscript,
    version: { ...RUNTIMES.camscript.version, minor: minor ? Number(minor) : RUNTIMES.camscript.version.minor },
    store: { ...RUNTIMES.camscript.store, partitionBytes: Number(storeKiB) * 1024 },
}
deployProgram(
    port,
    { ...program, image, sha256: imageSha256(image) },
    { runtime, board: boardId ? loadBoard(boardId) : undefined },
)
    .then(
        (r) => process.stdout.write(`${JSON.stringify({ skipped: r.skipped, error: null })}\n`),
        (e: Error) => process.stdout.write(`${JSON.stringify({ error: e.message })}\n`),
    )
    .finally(() => process.exit(0))
