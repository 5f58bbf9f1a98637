import test from "ava"
import { existsSync, readdirSync } from "node:fs"
import { basename, join } from "node:path"
import { BoardError, boardsDir, listBoards, loadBoard, validateBoardFile } from "../project/boards.ts"

const SHIPPED_BOARDS = [
    "ai_thinker_esp32_cam",
    "espressif_esp32_s3_eye",
    "seeed_xiao_esp32s3_sense",
    "m5stack_timer_camera_x",
    "freenove_esp32_wrover_cam",
    "wt32_eth01",
    "olimex_esp32_poe",
    "esp32_cam_w5500",
]

const BROKEN_FILE = "boards/broken.board.json"

// A valid wired board that each rejection test breaks in exactly one place.
function wiredBoard(): Record<string, any> {
    return {
        id: "broken",
        devName: "Test board",
        productId: "0x3aaaaaaa",
        archId: "esp32",
        url: "https://example.com/broken",
        pins: { IO4: 4 },
        camscript: {
            interfaces: ["wlan", "lan"],
            wifi: { antenna: "pcb", maxTxPowerDbm: 20 },
            ethernet: {
                phy: "LAN8720",
                bus: "rmii",
                phyAddress: 1,
                mdcPin: 23,
                mdioPin: 18,
                clockMode: "gpio0-in",
                powerPin: 16,
            },
            camera: { sensor: null, pins: {} },
            psramBytes: 0,
            sources: ["test fixture"],
        },
    }
}

test("boardsDir finds the folder holding the board schema", (t) => {
    const dir = boardsDir()
    t.is(basename(dir), "boards")
    t.true(existsSync(join(dir, "board.schema.json")))
})

test("every board file in boards/ validates, each loaded as the board its file names", (t) => {
    const boards = listBoards()
    const files = readdirSync(boardsDir())
        .filter((f) => f.endsWith(".board.json") && f !== basename(BROKEN_FILE))
        .map((f) => f.slice(0, -".board.json".length))
    t.deepEqual(boards.map((b) => b.id).sort(), [...SHIPPED_BOARDS].sort())
    t.deepEqual(files.sort(), [...SHIPPED_BOARDS].sort(), "no board file left out of the list, none extra")
    for (const b of boards) {
        t.is(b.file, join(boardsDir(), `${b.id}.board.json`))
        t.true(b.interfaces.length > 0, `${b.id} has a network interface`)
        t.deepEqual(loadBoard(b.id), b, `${b.id}: listBoards and loadBoard agree`)
    }
})

test("the default board is the AI-Thinker ESP32-CAM: Wi-Fi only, OV2640", (t) => {
    const board = loadBoard("ai_thinker_esp32_cam")
    t.deepEqual(board.interfaces, ["wlan"])
    t.is(board.camscript.camera.sensor, "OV2640")
    t.is(board.camscript.ethernet, undefined)
    t.is(board.file, join(boardsDir(), "ai_thinker_esp32_cam.board.json"))
})

test("every board with lan describes its Ethernet, every board with wlan its Wi-Fi", (t) => {
    for (const board of listBoards()) {
        t.is(board.interfaces.includes("lan"), board.camscript.ethernet !== undefined, board.id)
        t.is(board.interfaces.includes("wlan"), board.camscript.wifi !== undefined, board.id)
    }
})

test("the WT32-ETH01 has wlan and lan, a LAN8720 at address 1, and no camera", (t) => {
    const board = loadBoard("wt32_eth01")
    t.deepEqual(board.interfaces, ["wlan", "lan"])
    t.like(board.camscript.ethernet, {
        phy: "LAN8720",
        bus: "rmii",
        phyAddress: 1,
        mdcPin: 23,
        mdioPin: 18,
        clockMode: "gpio0-in",
        powerPin: 16,
    })
    t.deepEqual(board.camscript.camera, { sensor: null, pins: {} })
})

test("loadBoard of an unknown id names it and lists the known ids", (t) => {
    const error = t.throws(() => loadBoard("nope"), { instanceOf: BoardError })
    t.regex(error.message, /"nope"/)
    for (const id of SHIPPED_BOARDS) t.true(error.message.includes(id), `known id ${id} not listed`)
})

test("the wired fixture itself is valid, and loads with the values it gives", (t) => {
    // each rejection below breaks it in exactly one place: it must be whole to begin with
    const board = validateBoardFile(wiredBoard(), BROKEN_FILE)
    t.is(board.id, "broken")
    t.deepEqual(board.interfaces, ["wlan", "lan"])
    t.like(board.camscript.ethernet, { phy: "LAN8720", phyAddress: 1, mdcPin: 23, mdioPin: 18, powerPin: 16 })
})

test("a board with lan but no ethernet section is rejected, naming the field", (t) => {
    const board = wiredBoard()
    delete board.camscript.ethernet
    const error = t.throws(() => validateBoardFile(board, BROKEN_FILE), { instanceOf: BoardError })
    t.is(error.message, `${BROKEN_FILE}: camscript.ethernet is required when interfaces include "lan"`)
})

test("an unknown Ethernet PHY is rejected with the PHYs that are allowed", (t) => {
    const board = wiredBoard()
    board.camscript.ethernet.phy = "RTL8201"
    const error = t.throws(() => validateBoardFile(board, BROKEN_FILE), { instanceOf: BoardError })
    t.true(
        error.message.includes(`${BROKEN_FILE}: camscript.ethernet.phy must be one of LAN8720, IP101, W5500`),
        error.message,
    )
})

test("a wifi section on a board without wlan is rejected", (t) => {
    const board = wiredBoard()
    board.camscript.interfaces = ["lan"]
    const error = t.throws(() => validateBoardFile(board, BROKEN_FILE), { instanceOf: BoardError })
    t.is(error.message, `${BROKEN_FILE}: camscript.wifi is not allowed when interfaces do not include "wlan"`)
})

test("unknown keys in the camscript section are rejected", (t) => {
    const board = wiredBoard()
    board.camscript.ethernet.mdcpin = 23
    const error = t.throws(() => validateBoardFile(board, BROKEN_FILE), { instanceOf: BoardError })
    t.is(error.message, `${BROKEN_FILE}: camscript.ethernet.mdcpin is not allowed`)
})

test("a GPIO given two jobs is rejected, naming both", (t) => {
    const board = wiredBoard()
    board.pins.IO18 = 18
    const error = t.throws(() => validateBoardFile(board, BROKEN_FILE), { instanceOf: BoardError })
    t.is(error.message, `${BROKEN_FILE}: GPIO18 is used by both pins.IO18 and camscript.ethernet.mdioPin`)
})

test("an id that differs from the file name is rejected", (t) => {
    const error = t.throws(() => validateBoardFile(wiredBoard(), "boards/other.board.json"), { instanceOf: BoardError })
    t.is(error.message, `boards/other.board.json: id "broken" does not match the file name (expected "other")`)
})
