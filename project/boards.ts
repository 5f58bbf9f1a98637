import { existsSync, readdirSync, readFileSync } from "node:fs"
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path"
import type { ErrorObject, ValidateFunction } from "ajv"
import { suggestions } from "./suggest"
import { schemaValidator } from "./validator"

// Board definitions live in boards/<id>.board.json: DeviceScript board files
// (so `devicescript build` accepts them) with a strict `camscript` section that
// says which network interfaces, PHY and camera the board has. The JSON Schema
// in boards/board.schema.json is the single source of the rules; this module
// finds the files, runs the schema and turns its errors into field paths.

type NetworkInterface = "wlan" | "lan"
export type ArchId = "esp32" | "esp32s3"

interface WifiHardware {
    antenna: "pcb" | "ipex" | "pcb+ipex"
    /** Highest transmit power the firmware may set, in dBm. */
    maxTxPowerDbm: number
}

/** Where the 50 MHz RMII reference clock enters or leaves the ESP32. */
type RmiiClockMode = "gpio0-in" | "gpio0-out" | "gpio16-out" | "gpio17-out"

/** A PHY on the ESP32's internal MAC, on the fixed RMII pins, managed over MDC/MDIO. */
interface RmiiEthernet {
    phy: "LAN8720" | "IP101"
    bus: "rmii"
    phyAddress: number
    mdcPin: number
    mdioPin: number
    clockMode: RmiiClockMode
    /** GPIO that powers the PHY or enables its oscillator; null when always on. */
    powerPin: number | null
}

interface SpiWiring {
    /** ESP-IDF spi_host_device_t: 1 = SPI2 (HSPI), 2 = SPI3 (VSPI). */
    host: 1 | 2
    sclk: number
    mosi: number
    miso: number
    cs: number
    /** -1 when not wired: the driver must poll. */
    int: number
    reset?: number
}

/** A chip with its own MAC and PHY, reached over SPI. */
interface SpiEthernet {
    phy: "W5500"
    bus: "spi"
    powerPin: number | null
    spi: SpiWiring
}

export type EthernetHardware = RmiiEthernet | SpiEthernet

type CameraSensor = "OV2640" | "OV3660" | "OV5640"

/** DVP signals in esp32-camera's terms; d0..d7 are the sensor's Y2..Y9. -1 = not wired. */
type CameraSignal =
    | "pwdn"
    | "reset"
    | "xclk"
    | "siod"
    | "sioc"
    | "d0"
    | "d1"
    | "d2"
    | "d3"
    | "d4"
    | "d5"
    | "d6"
    | "d7"
    | "vsync"
    | "href"
    | "pclk"

type CameraHardware =
    | { sensor: CameraSensor; pins: Record<CameraSignal, number>; flashPin?: number }
    | { sensor: null; pins: Record<string, never>; flashPin?: undefined }

/** The `camscript` section of a board file, as the schema guarantees it. */
interface CamscriptSection {
    interfaces: NetworkInterface[]
    /** Present exactly when `interfaces` has "wlan". */
    wifi?: WifiHardware
    /** Present exactly when `interfaces` has "lan". */
    ethernet?: EthernetHardware
    camera: CameraHardware
    /** PSRAM the firmware can map as heap; 0 = none. */
    psramBytes: number
    sources: string[]
}

export interface BoardInfo {
    id: string
    /** The board file's devName. */
    name: string
    archId: ArchId
    productId: string
    interfaces: NetworkInterface[]
    /** User-visible pins: label -> GPIO. */
    pins: Record<string, number>
    /** The path the board was read from; absolute for boards from listBoards/loadBoard. */
    file: string
    camscript: CamscriptSection
}

/** A board file is missing, unreadable or breaks the schema; the message names file and field. */
export class BoardError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "BoardError"
    }
}

interface BoardFile {
    id: string
    devName: string
    productId: string
    archId: ArchId
    pins: Record<string, number>
    camscript: CamscriptSection
}

const SCHEMA_FILE = "board.schema.json"
const BOARD_SUFFIX = ".board.json"

// The ESP32's EMAC has no pin matrix: these RMII lines are fixed whatever the board.
const RMII_DATA_GPIOS: Record<string, number> = { TXD0: 19, TX_EN: 21, TXD1: 22, RXD0: 25, RXD1: 26, CRS_DV: 27 }
const RMII_CLOCK_GPIO: Record<RmiiClockMode, number> = {
    "gpio0-in": 0,
    "gpio0-out": 0,
    "gpio16-out": 16,
    "gpio17-out": 17,
}
const SPI_SIGNALS = ["sclk", "mosi", "miso", "cs", "int", "reset"] as const

let foundDir: string | undefined
let compiled: ValidateFunction | undefined

/**
 * The absolute path of the boards folder: the first folder named boards holding
 * board.schema.json above this module (sim/ under tsx, dist/ in the esbuild
 * bundle, where import.meta is empty so only __dirname is used), above the
 * entry script, or above the working directory. Throws BoardError if none.
 */
export function boardsDir(): string {
    if (foundDir) return foundDir
    const starts = [
        typeof __dirname === "string" ? __dirname : undefined,
        process.argv[1] ? dirname(resolve(process.argv[1])) : undefined,
        process.cwd(),
    ]
    for (const start of starts) {
        if (!start) continue
        let dir = resolve(start)
        for (;;) {
            const candidate = join(dir, "boards")
            if (existsSync(join(candidate, SCHEMA_FILE))) return (foundDir = candidate)
            const up = dirname(dir)
            if (up === dir) break
            dir = up
        }
    }
    throw new BoardError(
        `cannot find the boards folder (boards/${SCHEMA_FILE}) above ${process.cwd()}; run camscript from inside the project`,
    )
}

/** Every board in boards/, validated, sorted by id. Throws one BoardError listing every broken file. */
export function listBoards(): BoardInfo[] {
    const dir = boardsDir()
    const boards: BoardInfo[] = []
    const problems: string[] = []
    for (const id of boardIds(dir)) {
        try {
            boards.push(readBoard(join(dir, id + BOARD_SUFFIX)))
        } catch (e) {
            if (!(e instanceof BoardError)) throw e
            problems.push(e.message)
        }
    }
    // DeviceScript identifies a running board by productId, so two files must not share one.
    const owners = new Map<string, string>()
    for (const board of boards) {
        const owner = owners.get(board.productId)
        if (owner) problems.push(`${displayPath(board.file)}: productId ${board.productId} is already used by ${owner}`)
        else owners.set(board.productId, board.id)
    }
    if (problems.length) throw new BoardError(problems.join("\n"))
    return boards
}

/** The board boards/<id>.board.json, validated. An unknown id throws BoardError listing the known ids. */
export function loadBoard(id: string): BoardInfo {
    const dir = boardsDir()
    const known = boardIds(dir)
    // Matching against the directory listing also keeps ids like "../x" out of the path.
    if (!known.includes(id)) throw new BoardError(unknownBoard(id, known))
    return readBoard(join(dir, id + BOARD_SUFFIX))
}

/**
 * Checks a parsed board file against boards/board.schema.json, then checks what
 * a schema cannot: the id matches the file name, and no GPIO serves two purposes.
 * Every problem is reported, one per line, as `<file>: <field path> <problem>`.
 */
export function validateBoardFile(json: unknown, file: string): BoardInfo {
    const shown = displayPath(file)
    const validate = boardValidator()
    if (!validate(json)) {
        const lines = new Set<string>()
        for (const error of validate.errors ?? []) {
            const problem = describeError(error)
            if (problem) lines.add(`${shown}: ${problem}`)
        }
        throw new BoardError([...lines].join("\n"))
    }
    const board = json as BoardFile
    const problems: string[] = []
    const expectedId = basename(file).endsWith(BOARD_SUFFIX) ? basename(file).slice(0, -BOARD_SUFFIX.length) : undefined
    // DeviceScript takes the id from the file name and rejects a file whose id field disagrees.
    if (expectedId !== undefined && board.id !== expectedId)
        problems.push(`id "${board.id}" does not match the file name (expected "${expectedId}")`)
    problems.push(...gpioConflicts(board))
    if (problems.length) throw new BoardError(problems.map((p) => `${shown}: ${p}`).join("\n"))
    return {
        id: board.id,
        name: board.devName,
        archId: board.archId,
        productId: board.productId,
        interfaces: [...board.camscript.interfaces],
        pins: board.pins,
        file,
        camscript: board.camscript,
    }
}

/**
 * `unknown board "esp32-cam"; did you mean "ai_thinker_esp32_cam"?` and the
 * known ids. Ids are matched with case and hyphens folded, and against the
 * boards' names too ("ESP32-CAM" is how the AI-Thinker board is sold).
 */
export function unknownBoard(id: string, known = boardIds(boardsDir())): string {
    const byName = new Map<string, string>()
    for (const other of known) {
        try {
            const name = (
                JSON.parse(readFileSync(join(boardsDir(), other + BOARD_SUFFIX), "utf8")) as { devName?: unknown }
            ).devName
            if (typeof name === "string") byName.set(name, other)
        } catch {
            // a broken board file is reported when it is loaded, not here
        }
    }
    const found = suggestions(id, [...known, ...byName.keys()], 4).map((s) => byName.get(s) ?? s)
    const unique = [...new Set(found)].slice(0, 2)
    const hint = unique.length ? `; did you mean ${unique.map((s) => `"${s}"`).join(" or ")}?` : ""
    return `unknown board "${id}"${hint} (known boards: ${known.join(", ") || "none"})`
}

function boardIds(dir: string): string[] {
    return readdirSync(dir)
        .filter((name) => name.endsWith(BOARD_SUFFIX))
        .map((name) => name.slice(0, -BOARD_SUFFIX.length))
        .sort()
}

function readBoard(path: string): BoardInfo {
    let json: unknown
    try {
        json = JSON.parse(readFileSync(path, "utf8"))
    } catch (e) {
        throw new BoardError(
            `${displayPath(path)}: cannot read board file (${e instanceof Error ? e.message : String(e)})`,
        )
    }
    return validateBoardFile(json, path)
}

function boardValidator(): ValidateFunction {
    if (compiled) return compiled
    const schemaPath = join(boardsDir(), SCHEMA_FILE)
    const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as object
    // verbose: errors carry their parentSchema, whose description says when a
    // then/else branch applies. allowUnionTypes: powerPin is integer or null.
    compiled = schemaValidator("board", schema, { allErrors: true, verbose: true, allowUnionTypes: true })
    return compiled
}

/** Messages name files as a user would type them from the project folder: boards/x.board.json. */
function displayPath(file: string): string {
    if (!isAbsolute(file)) return file
    const fromProject = relative(dirname(boardsDir()), file)
    if (fromProject.startsWith("..") || isAbsolute(fromProject)) return file
    return fromProject.split(sep).join("/")
}

/** "/camscript/interfaces/1" -> "camscript.interfaces[1]" */
function fieldPath(pointer: string): string {
    let path = ""
    for (const raw of pointer.split("/").slice(1)) {
        const part = raw.replace(/~1/g, "/").replace(/~0/g, "~")
        if (/^\d+$/.test(part)) path += `[${part}]`
        else path += path ? `.${part}` : part
    }
    return path
}

function show(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value)
}

function describeError(error: ErrorObject): string | undefined {
    const at = fieldPath(error.instancePath)
    const subject = at || "the board"
    const child = (name: string) => (at ? `${at}.${name}` : name)
    const params = error.params as Record<string, unknown>
    let problem: string
    switch (error.keyword) {
        case "if":
            // Only says "must match then schema"; the branch's own error names the field.
            return undefined
        case "required":
            problem = `${child(String(params.missingProperty))} is required`
            break
        case "additionalProperties":
            problem = `${child(String(params.additionalProperty))} is not allowed`
            break
        case "not":
            problem = `${subject} is not allowed`
            break
        case "enum":
            problem = `${subject} must be one of ${(params.allowedValues as unknown[]).map(show).join(", ")}`
            break
        case "const":
            problem = `${subject} must be ${show(params.allowedValue)}`
            break
        case "type":
            problem = `${subject} must be ${String(params.type).split(",").join(" or ")}`
            break
        case "minimum":
        case "maximum":
            problem = `${subject} must be ${String(params.comparison)} ${String(params.limit)}`
            break
        case "pattern":
            problem = `${subject} must match ${String(params.pattern)}`
            break
        case "uniqueItems":
            problem = `${subject} must not list ${show((error.data as unknown[])[params.i as number])} twice`
            break
        case "minItems":
            problem = `${subject} must not be empty`
            break
        case "maxProperties":
            problem =
                params.limit === 0
                    ? `${subject} must be empty`
                    : `${subject} must have at most ${String(params.limit)} entries`
            break
        default:
            problem = `${subject} ${error.message ?? "is invalid"}`
    }
    // Conditional rules (lan needs ethernet, spi needs W5500, ...) say when they apply.
    const condition = /\/(then|else)\//.test(error.schemaPath) ? describedCondition(error.parentSchema) : undefined
    return condition ? `${problem} ${condition}` : problem
}

function describedCondition(schema: unknown): string | undefined {
    const description = (schema as { description?: unknown } | undefined)?.description
    return typeof description === "string" && description.startsWith("when ") ? description : undefined
}

/** Every GPIO the board file gives a job to, so two jobs on one pin can be reported. */
function gpioClaims(board: BoardFile): [string, number][] {
    const claims: [string, number][] = Object.entries(board.pins).map(([label, gpio]) => [`pins.${label}`, gpio])
    for (const [signal, gpio] of Object.entries(board.camscript.camera.pins) as [string, number][])
        claims.push([`camscript.camera.pins.${signal}`, gpio])
    const ethernet = board.camscript.ethernet
    if (ethernet?.bus === "rmii") {
        claims.push(["camscript.ethernet.mdcPin", ethernet.mdcPin], ["camscript.ethernet.mdioPin", ethernet.mdioPin])
        claims.push([`camscript.ethernet.clockMode (${ethernet.clockMode})`, RMII_CLOCK_GPIO[ethernet.clockMode]])
        for (const [line, gpio] of Object.entries(RMII_DATA_GPIOS)) claims.push([`the fixed RMII ${line} line`, gpio])
    } else if (ethernet?.bus === "spi") {
        for (const signal of SPI_SIGNALS) {
            const gpio = ethernet.spi[signal]
            if (gpio !== undefined) claims.push([`camscript.ethernet.spi.${signal}`, gpio])
        }
    }
    if (ethernet && ethernet.powerPin !== null) claims.push(["camscript.ethernet.powerPin", ethernet.powerPin])
    // -1 means "not wired", which any number of signals may be.
    return claims.filter(([, gpio]) => gpio >= 0)
}

function gpioConflicts(board: BoardFile): string[] {
    const owners = new Map<number, string>()
    const conflicts: string[] = []
    for (const [what, gpio] of gpioClaims(board)) {
        const owner = owners.get(gpio)
        if (owner) conflicts.push(`GPIO${gpio} is used by both ${owner} and ${what}`)
        else owners.set(gpio, what)
    }
    return conflicts
}
