// A DeviceScript bytecode image (.devs), as far as a host must read it
// before sending it anywhere: the fixed header (devicescript
// runtime/devicescript/devs_format.h devs_img_header_t: magic0, magic1,
// version, then ten {start, length} sections after 32 bytes) and the
// section checks devs_verify (runtime/devicescript/verify.c) makes first:
// codes 1000 (magic), 1001/1002 (a section inside the image), 1003/1004
// (4-byte aligned), 1010 (each section right after the previous one), and
// 1051: the functions' bytecode (the functions_data section, the second)
// ends before byte 65,536, since a function's start is a 16-bit offset.
// Nothing here copies the runtime; the checks are restated from reading it.

const DEVS_MAGIC0 = 0x53766544 // "DevS"
const DEVS_MAGIC1 = 0xf1296e0a
const DEVS_FIX_HEADER_BYTES = 32
const DEVS_SECTIONS = 10
/** sizeof(devs_img_header_t) */
const DEVS_HEADER_BYTES = DEVS_FIX_HEADER_BYTES + DEVS_SECTIONS * 8
/** verify.c check 1051: each function's code ends before this byte of the image (`prevProc < 0x10000`) */
const DEVS_CODE_END_LIMIT = 0x10000

export interface DevsVersion {
    major: number
    minor: number
    patch: number
}

interface DevsHeader {
    version: DevsVersion
    /** where the last section ends: the bytes the image needs */
    sectionsEnd: number
    /** where the functions' bytecode (functions_data) ends */
    codeEnd: number
}

/** The version an image carries (bytes 8..11: patch u16, minor, major), readable from the first 12 bytes. */
export function devsVersion(image: Uint8Array): DevsVersion {
    return { major: image[11], minor: image[10], patch: image[8] | (image[9] << 8) }
}

/** The header of a DeviceScript image, or what is wrong with it, in words a user can act on. */
function readDevsHeader(image: Uint8Array): DevsHeader | string {
    if (image.length === 0) return "it is empty (0 bytes)"
    if (image.length < 8) return `it is ${image.length} bytes, too short to be a DeviceScript image`
    const v = new DataView(image.buffer, image.byteOffset, image.byteLength)
    if (v.getUint32(0, true) !== DEVS_MAGIC0 || v.getUint32(4, true) !== DEVS_MAGIC1)
        return "it is not a DeviceScript image (its first 8 bytes are not the DevS magic)"
    if (image.length <= DEVS_HEADER_BYTES)
        return `it is ${image.length} bytes: a DeviceScript image is more than its ${DEVS_HEADER_BYTES}-byte header`
    let end = -1
    let codeEnd = 0
    for (let i = 0; i < DEVS_SECTIONS; i++) {
        const start = v.getUint32(DEVS_FIX_HEADER_BYTES + i * 8, true)
        const length = v.getUint32(DEVS_FIX_HEADER_BYTES + i * 8 + 4, true)
        if (start + length > image.length)
            return `it is cut short: its sections run to byte ${start + length}, but it has ${image.length} bytes`
        if (start % 4 || length % 4 || (end >= 0 && start !== end))
            return "its header is damaged (sections out of place)"
        end = start + length
        if (i === 1) codeEnd = end
    }
    return { version: devsVersion(image), sectionsEnd: end, codeEnd }
}

/** Where an image's functions' bytecode ends, or undefined when its header cannot be read. */
export function devsCodeEnd(image: Uint8Array): number | undefined {
    const header = readDevsHeader(image)
    return typeof header === "string" ? undefined : header.codeEnd
}

/** Why the VM would refuse code ending at `codeEnd` (verify.c check 1051), in words; undefined when it takes it. */
export function codeProblem(codeEnd: number): string | undefined {
    if (codeEnd < DEVS_CODE_END_LIMIT) return undefined
    return (
        `its functions' bytecode runs to byte ${n(codeEnd)}, and the DeviceScript VM takes only code that ends ` +
        `before byte ${n(DEVS_CODE_END_LIMIT)} (a function starts at a 16-bit offset). ` +
        "Make the script smaller (fewer or shorter functions)"
    )
}

/** What a runtime takes (project/runtime.ts fills it in from the pinned runtime). */
export interface RuntimeRule {
    /** "the camscript firmware's runtime (DeviceScript 2.16.0)" */
    name: string
    version: DevsVersion
    oldestMinor: number
    /** the largest image its program store keeps */
    largest: number
    /** every image size is a multiple of this */
    align: number
}

const n = (x: number) => x.toLocaleString("en-US")
const v = (x: DevsVersion) => `${x.major}.${x.minor}.${x.patch}`

/** Why `rule`'s runtime would not take the image, in words; undefined when it would. */
export function devsImageProblem(image: Uint8Array, rule: RuntimeRule): string | undefined {
    const header = readDevsHeader(image)
    if (typeof header === "string") return header
    if (image.length > rule.largest)
        return (
            `it is ${n(image.length)} bytes, but ${rule.name} keeps at most ${n(rule.largest)} bytes in its program store. ` +
            "Make the script smaller (fewer or shorter functions and strings)"
        )
    if (image.length % rule.align)
        return (
            `it is ${n(image.length)} bytes, not a multiple of ${rule.align}: the runtime's program store takes images ` +
            `in blocks of ${rule.align} bytes, as the compiler writes them, so it is damaged`
        )
    const code = codeProblem(header.codeEnd)
    if (code) return code
    const iv = header.version
    if (iv.major !== rule.version.major || iv.minor > rule.version.minor || iv.minor < rule.oldestMinor)
        return (
            `it is bytecode ${v(iv)}, which ${rule.name} does not run ` +
            `(it runs ${rule.version.major}.${rule.oldestMinor} to ${rule.version.major}.${rule.version.minor})`
        )
    return undefined
}

/** The smallest whole image of `size` bytes (every section empty, right after the header): for probing size rules. */
export function emptyDevsImage(size: number, version: DevsVersion): Uint8Array {
    const image = new Uint8Array(size)
    const v = new DataView(image.buffer)
    v.setUint32(0, DEVS_MAGIC0, true)
    v.setUint32(4, DEVS_MAGIC1, true)
    v.setUint16(8, version.patch, true)
    image[10] = version.minor
    image[11] = version.major
    for (let i = 0; i < DEVS_SECTIONS; i++) v.setUint32(DEVS_FIX_HEADER_BYTES + i * 8, DEVS_HEADER_BYTES, true)
    return image
}
