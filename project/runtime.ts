// The DeviceScript runtime a board runs, read from its sources: the one
// place that says which runtime camscript's firmware pins and what that
// runtime accepts. firmware/build.sh pins the same devicescript-esp32
// revision (test/runtime-pin.test.ts holds the two together), the virtual
// board plays this runtime, and build and deploy check images against it.
//
// Sources (read at the revisions named, never copied):
// - devicescript-esp32 v2.16.1 = 334b462aafa4e955a3b90e8998117acaf7822ee5 and
//   main = f6aec45d0a38e76b0019b975f185033e66e2f85d, both with the submodule
//   devicescript at c4e21867 (runtime 2.16.0: devs_bytecode.h
//   DEVS_IMG_VERSION_MAJOR/MINOR/PATCH = 2/16/0), jacdac-c at 49994282.
// - the store: devicescript-esp32 boards/partitions.csv (`fstor, 0x8A, 0x01,
//   0x1c0000, 256K`), main/flash.c (the partition mapped, JD_FSTOR_TOTAL_SIZE
//   = its size), main/jd_user_config.h (JD_FLASH_PAGE_SIZE 4096,
//   JD_GC_KB 64 on ESP32 and ESP32-S3); jacdac-c source/jd_fstor.c
//   (header pages = pages / 16, data pages after two copies of the header,
//   find_free_data's `off < FSTOR_DATA_PAGES - pages` loop, the JD_ASSERT in
//   data_page_used); devicescript runtime/devicescript/devsmgr.c
//   (DEVSMGR_ALIGN 32, a 128-byte devsmgr_program_header_t before the image,
//   deploy_bytecode ignoring a size it cannot take without answering).
// - the version rule: devicescript runtime/devicescript/verify.c devs_verify
//   (major equal, minor 7..the runtime's minor, patch ignored; error 1050);
//   its JD_ASSERT(size > sizeof(devs_img_header_t)) (a 112-byte header).
// - settings: jacdac-c services/settings.c (key prefixed with ':', at most
//   14 bytes; value = the SET packet's data after key and NUL; a GET answered
//   with key, NUL and value in one packet), jd_fstor.c (index area = the
//   header pages, 16 KB here), devicescript packages/settings/src/api.ts
//   (MAX_KEY_SIZE 13), jd_physical.h (JD_SERIAL_PAYLOAD_SIZE 236) and
//   jd_util.c jd_push_in_frame (a packet's 4-byte header inside it).
// - the services' task: sdkconfig.common CONFIG_ESP_SYSTEM_EVENT_TASK_STACK_SIZE
//   5120, plus the 512 bytes ESP-IDF adds for the event loop task.

export type RuntimeFirmware = "camscript" | "stock"

export interface RuntimeVersion {
    major: number
    minor: number
    patch: number
}

export interface RuntimeProfile {
    firmware: RuntimeFirmware
    /** devicescript-esp32: the release tag and the commit the firmware is built from (or the stock release) */
    devicescriptEsp32: { tag: string; commit: string }
    /** DEVS_IMG_VERSION of the runtime, what its manager's runtime_version register says */
    version: RuntimeVersion
    store: {
        /** the `fstor` partition */
        partitionOffset: number
        partitionBytes: number
        pageBytes: number
    }
    /** JD_GC_KB: the program's heap, internal RAM */
    heapBytes: number
    /** the task that runs the Jacdac and DeviceScript loop and our services (sys_evt) */
    servicesStackBytes: number
}

/**
 * devicescript-esp32 revisions camscript knows, with the DeviceScript
 * runtime each carries (its `devicescript` submodule's
 * runtime/devicescript/devs_bytecode.h DEVS_IMG_VERSION_*). firmware/build.sh
 * must pin one of these whose runtime is the camscript profile's
 * (test/runtime-pin.test.ts): pinning another means adding it here first.
 */
export const DEVICESCRIPT_ESP32_REVISIONS: readonly { commit: string; name: string; runtime: RuntimeVersion }[] = [
    {
        commit: "064f2136135b19adc69c24aa9574fbabc8a17fe0",
        name: "064f213 (June 2023; submodule devicescript 80c74ea5)",
        runtime: { major: 2, minor: 11, patch: 6 },
    },
    {
        commit: "334b462aafa4e955a3b90e8998117acaf7822ee5",
        name: "v2.16.1 (the last release; submodule devicescript c4e21867)",
        runtime: { major: 2, minor: 16, patch: 0 },
    },
    {
        commit: "f6aec45d0a38e76b0019b975f185033e66e2f85d",
        name: "main f6aec45 (the newest commit; submodule devicescript c4e21867)",
        runtime: { major: 2, minor: 16, patch: 0 },
    },
]

const V2_16_1 = { tag: "v2.16.1", commit: "334b462aafa4e955a3b90e8998117acaf7822ee5" }
const MAIN_F6AEC45 = { tag: "main f6aec45", commit: "f6aec45d0a38e76b0019b975f185033e66e2f85d" }

const RUNTIME_2_16 = {
    version: { major: 2, minor: 16, patch: 0 },
    store: { partitionOffset: 0x1c0000, partitionBytes: 256 * 1024, pageBytes: 4096 },
    heapBytes: 64 * 1024,
    servicesStackBytes: 5120 + 512,
}

/**
 * The runtime each firmware carries: ours is built from devicescript-esp32's
 * newest commit (v2.16.1 plus board files and a component bump, the same
 * runtime), the stock images are v2.16.1's release assets.
 */
export const RUNTIMES: Record<RuntimeFirmware, RuntimeProfile> = {
    camscript: { firmware: "camscript", devicescriptEsp32: MAIN_F6AEC45, ...RUNTIME_2_16 },
    stock: { firmware: "stock", devicescriptEsp32: V2_16_1, ...RUNTIME_2_16 },
}

export function runtimeFor(firmware: RuntimeFirmware = "camscript"): RuntimeProfile {
    return RUNTIMES[firmware]
}

export const versionText = (v: RuntimeVersion) => `${v.major}.${v.minor}.${v.patch}`

/** The oldest bytecode minor any 2.x runtime loads (verify.c: "2.7.0 is first version without static roles"). */
const OLDEST_IMAGE_MINOR = 7

/**
 * devs_verify's version rule: the image's major equal to the runtime's, its
 * minor from 7 up to the runtime's own, its patch ignored.
 */
export function runtimeTakesVersion(runtime: RuntimeVersion, image: RuntimeVersion): boolean {
    return image.major === runtime.major && image.minor <= runtime.minor && image.minor >= OLDEST_IMAGE_MINOR
}

// ---- the program store (jd_fstor.c's large entries, devsmgr.c's deploy)

/** DEVSMGR_ALIGN: the manager takes only sizes (and pipe chunks) that are a multiple of this */
export const DEPLOY_ALIGN = 32
/** sizeof(devsmgr_program_header_t): stored in front of the image, in the same entry */
export const PROGRAM_HEADER_BYTES = 128
/** sizeof(devs_img_header_t): devs_verify asserts an image is larger than its header */
export const IMAGE_HEADER_BYTES = 112

export interface StoreGeometry {
    pages: number
    headerPages: number
    /** pages for data after the two copies of the header */
    dataPages: number
    /** the most pages one entry gets: find_free_data stops one short of dataPages */
    largestEntryPages: number
    /** the index area (one copy of the header pages) where settings live */
    indexBytes: number
}

export function storeGeometry(profile: RuntimeProfile): StoreGeometry {
    const { partitionBytes, pageBytes } = profile.store
    const pages = Math.floor(partitionBytes / pageBytes)
    // jd_fstor_init: pages / 16, at least JD_FSTOR_HEADER_PAGES (1), at most 0xf0
    const headerPages = Math.min(0xf0, Math.max(1, Math.floor(pages / 16)))
    const dataPages = pages - 2 * headerPages
    return { pages, headerPages, dataPages, largestEntryPages: dataPages - 1, indexBytes: headerPages * pageBytes }
}

/** The largest image the runtime's program store takes (225,152 bytes for runtime 2.16's 256 KB store). */
export function largestImage(profile: RuntimeProfile): number {
    const g = storeGeometry(profile)
    const room = g.largestEntryPages * profile.store.pageBytes - PROGRAM_HEADER_BYTES
    return room - (room % DEPLOY_ALIGN)
}

/**
 * What the runtime does with a deploy of `size` bytes, before any byte of
 * the image arrives:
 * - "accepted": it stops the program, makes room and answers with a pipe;
 * - "misaligned": not a multiple of 32, ignored without an answer (the program keeps running);
 * - "no-room": 128 + size needs every data page, ignored without an answer,
 *   but the program was stopped first and the manager has lost its program
 *   until the board restarts;
 * - "panic": 128 + size needs more pages than the store has: find_free_data's
 *   loop runs past the last page and a JD_ASSERT restarts the board.
 */
export type DeployAnswer = "accepted" | "misaligned" | "no-room" | "panic"

export function deployAnswer(profile: RuntimeProfile, size: number): DeployAnswer {
    if (size % DEPLOY_ALIGN !== 0) return "misaligned"
    const g = storeGeometry(profile)
    const pages = Math.max(1, Math.ceil((PROGRAM_HEADER_BYTES + size) / profile.store.pageBytes))
    if (pages <= g.largestEntryPages) return "accepted"
    if (pages === g.dataPages) return "no-room"
    return "panic"
}

// ---- settings (jacdac-c services/settings.c through jd_fstor.c)

/** @devicescript/settings refuses longer keys (api.ts MAX_KEY_SIZE) */
export const SETTING_KEY_MAX_CHARS = 13
/** settings.c MAX_KEY_SIZE: a longer key is dropped without an answer */
export const SETTING_KEY_MAX_BYTES = 14
/** a frame's payload (JD_SERIAL_PAYLOAD_SIZE); a packet's data is that less its 4-byte header (jd_push_in_frame) */
const FRAME_PAYLOAD_BYTES = 236
const PACKET_DATA_BYTES = FRAME_PAYLOAD_BYTES - 4

/**
 * The longest value a key can have and still be read back: settings.c
 * answers a GET with key, NUL and value in one packet of at most 232 data
 * bytes (a longer answer is never sent). A SET may carry a few bytes more
 * (the value is stored) but it can then never be read: 231 minus the key.
 */
export function settingValueMax(key: string): number {
    return PACKET_DATA_BYTES - 1 - Buffer.byteLength(key)
}

/** The runtime's rule for images, as formats/devs-image.ts devsImageProblem takes it. */
export function runtimeRule(profile: RuntimeProfile) {
    return {
        name: `the ${profile.firmware} firmware's runtime (DeviceScript ${versionText(profile.version)})`,
        version: profile.version,
        oldestMinor: OLDEST_IMAGE_MINOR,
        largest: largestImage(profile),
        align: DEPLOY_ALIGN,
    }
}
