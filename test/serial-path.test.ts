import test, { type ExecutionContext } from "ava"
import { execFileSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { deflateSync } from "node:zlib"
import { loadBoard } from "../project/boards"
import { fromRoot } from "../project/paths"
import { chipFor } from "../sim/virtual-board/chip"
import { FlashChip } from "../sim/virtual-board/flash-chip"
import { checksumOf, RomLoader } from "../sim/virtual-board/rom-loader"
import { slipEncode, SlipDecoder } from "../formats/slip"
import { ConsoleLines } from "../usb/console-lines"
import { checkChip, FirmwareError, loadFirmware } from "../usb/firmware"
import { jd } from "../usb/jacdac-link"
import {
    encodeFrame,
    encodeLog,
    JdusbDecoder,
    UsbBridgeCmd,
    usbBridgeCommand,
    usbBridgeCommandOf,
} from "../formats/jdusb"
import { choosePort, explainOpenError, listSerialPorts } from "../usb/ports"
import { boardNamedIn, buildForBoard, readProgram, writeProgram } from "../usb/program"
import { camscript, type Cli } from "./helpers/pty-pair"
import { espImage, writeFirmwareFolder } from "./helpers/firmware-images"
import { tempDir } from "./helpers/cleanup"

// The pieces of the hardware path that need no serial device.

const dir = tempDir("camscript-serial-")

function decodeAll(bytes: Uint8Array, chunk: number) {
    const frames: number[][] = []
    const log: number[] = []
    const gaps: string[] = []
    const d = new JdusbDecoder({
        frame: (f) => frames.push([...f]),
        log: (b) => log.push(...b),
        gap: (g) => gaps.push(g),
    })
    for (let i = 0; i < bytes.length; i += chunk) d.push(bytes.subarray(i, i + chunk))
    return { frames, log, gaps }
}

test("JDUSB: a frame holding all 256 byte values and log text around it survive any chunking", (t) => {
    const frame = Uint8Array.from({ length: 256 }, (_, i) => i)
    const text = Uint8Array.from([..."before \xfe ok\n"].map((c) => c.charCodeAt(0)))
    const wire = Uint8Array.from([...encodeLog(text), ...encodeFrame(frame), ...encodeLog(text)])
    // 0xFE travels quoted: one FE F8 per FE in the frame and in each log text
    t.is(wire.length, text.length * 2 + 2 + 256 + 1 + 2 + 2)
    for (const chunk of [1, 3, 64, wire.length]) {
        const r = decodeAll(wire, chunk)
        t.deepEqual(r.frames, [[...frame]], `chunk ${chunk}`)
        t.deepEqual(r.log, [...text, ...text], `chunk ${chunk}`)
    }
})

test("JDUSB: the dropped-log marker is reported, and a frame longer than 256 bytes is passed on as text", (t) => {
    t.deepEqual(decodeAll(Uint8Array.of(0x41, 0xfe, 0xfa, 0x42), 64), { frames: [], log: [0x41, 0x42], gaps: ["log"] })
    const long = encodeFrame(new Uint8Array(257).fill(0x11))
    const r = decodeAll(long, 64)
    t.deepEqual(r.frames, [])
    t.true(r.log.length >= 256)
})

test("JDUSB: the host's EnableLog command is the frame jacdac-ts builds (CRC, service class, broadcast)", (t) => {
    const f = usbBridgeCommand(UsbBridgeCmd.EnableLog)
    // the same fields packed by jacdac-ts's own jdpack and crc
    const expected = jd.jdpack("u16 u8 u8 u32 u32 u8 u8 u16", [
        0,
        4,
        0x04 | 0x01 | 0x40,
        0x18f61a4a,
        0xaaaaaaaa,
        0,
        0x3d,
        0x83,
    ])
    const crc = jd.crc(expected.slice(2))
    expected[0] = crc & 0xff
    expected[1] = crc >> 8
    t.deepEqual([...f], [...expected])
    t.is(usbBridgeCommandOf(f), UsbBridgeCmd.EnableLog)
    t.is(usbBridgeCommandOf(new Uint8Array(16)), undefined)
})

test("SLIP: END and ESC inside a packet are escaped and come back", (t) => {
    const packet = Uint8Array.of(0x00, 0xc0, 0xdb, 0x01, 0xdb, 0xdc)
    const wire = slipEncode(packet)
    t.deepEqual([...wire], [0xc0, 0x00, 0xdb, 0xdc, 0xdb, 0xdd, 0x01, 0xdb, 0xdd, 0xdc, 0xc0])
    const got: number[][] = []
    const d = new SlipDecoder((p) => got.push([...p]))
    d.push(Uint8Array.of(0x55, 0x55)) // noise before the first END
    for (const b of wire) d.push(Uint8Array.of(b))
    t.deepEqual(got, [[...packet]])
})

/** A ROM loader and what it answered, packet by packet. */
function loader(arch: "esp32" | "esp32s3" = "esp32") {
    const chip = chipFor(arch)
    const flash = new FlashChip(chip.flashSize)
    const replies: Uint8Array[] = []
    let rebooted = false
    const rom = new RomLoader(chip, flash, {
        send: (b) => new SlipDecoder((p) => replies.push(p)).push(b),
        runUserCode: () => (rebooted = true),
    })
    const request = (op: number, data: Uint8Array, checksum = 0) => {
        const pkt = new Uint8Array(8 + data.length)
        const v = new DataView(pkt.buffer)
        pkt[1] = op
        v.setUint16(2, data.length, true)
        v.setUint32(4, checksum, true)
        pkt.set(data, 8)
        replies.length = 0
        rom.push(slipEncode(pkt))
        // a response is `01 op size value data`; anything shorter is the stub's greeting
        return replies.map((r) =>
            r.length >= 8
                ? { op: r[1], value: new DataView(r.buffer).getUint32(4, true), data: r.subarray(8) }
                : { op: -1, value: 0, data: r },
        )
    }
    const words = (...w: number[]) => {
        const out = new Uint8Array(w.length * 4)
        w.forEach((x, i) => new DataView(out.buffer).setUint32(i * 4, x >>> 0, true))
        return out
    }
    return { rom, flash, request, words, rebooted: () => rebooted }
}

test("ROM loader: SYNC gets eight answers, the ESP32 is told by its magic register, unknown commands are refused", (t) => {
    const { request, words } = loader()
    const sync = request(0x08, Uint8Array.of(0x07, 0x07, 0x12, 0x20, ...new Array(32).fill(0x55)))
    t.is(sync.length, 8)
    t.true(sync.every((r) => r.op === 0x08 && r.value !== 0 && r.data[0] === 0))
    t.is(request(0x0a, words(0x40001000))[0].value, 0x00f01d83)
    // the ESP32 ROM has no GET_SECURITY_INFO: "invalid message" (status 1, error 5), 4 status bytes
    const sec = request(0x14, new Uint8Array(0))[0]
    t.deepEqual([...sec.data], [1, 5, 0, 0])
})

test("ROM loader: plain writes check the data checksum; MD5 is hex from the ROM and raw from the stub", (t) => {
    const { request, words, flash } = loader()
    const block = Uint8Array.from({ length: 0x400 }, (_, i) => (i * 7) & 0xff)
    t.deepEqual([...request(0x02, words(0x400, 1, 0x400, 0x10000))[0].data], [0, 0, 0, 0])
    // one flipped byte in the checksum: refused, nothing written
    const bad = request(0x03, Uint8Array.from([...words(0x400, 0, 0, 0), ...block]), checksumOf(block) ^ 1)[0]
    t.is(bad.data[0], 1)
    t.is(flash.data[0x10000], 0xff)
    const good = request(0x03, Uint8Array.from([...words(0x400, 0, 0, 0), ...block]), checksumOf(block))[0]
    t.is(good.data[0], 0)
    t.deepEqual(flash.read(0x10000, 0x400), block)
    const md5 = createHash("md5").update(block).digest()
    const fromRom = request(0x13, words(0x10000, 0x400, 0, 0))[0]
    t.is(Buffer.from(fromRom.data.subarray(0, 32)).toString(), md5.toString("hex"))
})

test("ROM loader: a stub upload answers OHAI; compressed writes land inflated; FLASH_END 0 runs the program", (t) => {
    const { request, words, flash, rebooted } = loader("esp32s3")
    request(0x05, words(8, 1, 8, 0x40080000))
    const stubBytes = new Uint8Array(8).fill(3)
    request(0x07, Uint8Array.from([...words(8, 0, 0, 0), ...stubBytes]), checksumOf(stubBytes))
    const end = request(0x06, words(0, 0x40080000))
    t.is(end.length, 2)
    t.is(Buffer.from(end[1].data).toString(), "OHAI")
    const image = espImage(9, 5000, 7)
    const z = deflateSync(image)
    request(0x10, words(image.length, 1, 0x4000, 0x0))
    request(0x11, Uint8Array.from([...words(z.length, 0, 0, 0), ...z]), checksumOf(z))
    const md5 = request(0x13, words(0, image.length, 0, 0))[0]
    // the stub's MD5: 16 raw bytes, then its 2 status bytes
    t.deepEqual([...md5.data], [...createHash("md5").update(image).digest(), 0, 0])
    t.deepEqual(flash.read(0, image.length), image)
    t.false(rebooted())
    request(0x04, words(0))
    t.true(rebooted())
})

test("firmware: images for another chip are refused, overlapping regions and missing files are named", (t) => {
    const s3 = writeFirmwareFolder(join(dir, "s3"), "esp32s3", 4096)
    t.throws(() => checkChip(loadFirmware(s3.dir, "esp32"), "esp32"), {
        instanceOf: FirmwareError,
        message: /bootloader\.bin is built for ESP32-S3, but the board has an ESP32/,
    })
    t.notThrows(() => checkChip(loadFirmware(s3.dir, "esp32s3"), "esp32s3"))
    const bad = join(dir, "overlap")
    mkdirSync(bad)
    writeFileSync(join(bad, "a.bin"), new Uint8Array(0x1001))
    writeFileSync(join(bad, "b.bin"), new Uint8Array(16))
    writeFileSync(
        join(bad, "flasher_args.json"),
        JSON.stringify({ flash_files: { "0x0": "a.bin", "0x1000": "b.bin" } }),
    )
    t.throws(() => loadFirmware(bad, "esp32"), { message: /a\.bin overlaps b\.bin/ })
    writeFileSync(join(bad, "flasher_args.json"), JSON.stringify({ flash_files: { "0x0": "gone.bin" } }))
    t.throws(() => loadFirmware(bad, "esp32"), { message: /gone\.bin is missing/ })
    t.throws(() => loadFirmware(join(dir, "nowhere"), "esp32"), { message: /no such file or folder/ })
})

test("firmware: a merged image goes at 0 when padded up to the bootloader, else at the bootloader's offset", (t) => {
    const merged = new Uint8Array(0x3000).fill(0xff)
    merged.set(espImage(0, 0x100, 3), 0x1000)
    writeFileSync(join(dir, "merged.bin"), merged)
    t.is(loadFirmware(join(dir, "merged.bin"), "esp32").regions[0].offset, 0)
    writeFileSync(join(dir, "app-only.bin"), espImage(0, 0x100, 4))
    t.is(loadFirmware(join(dir, "app-only.bin"), "esp32").regions[0].offset, 0x1000)
})

test("ports: one board port is taken; several are listed for --port; none lists what was seen", (t) => {
    const cp210x = { path: "/dev/ttyUSB0", vendorId: 0x10c4, productId: 0xea60 }
    const espUsb = { path: "/dev/ttyACM0", vendorId: 0x303a, productId: 0x1001 }
    const mouse = { path: "/dev/ttyACM1", vendorId: 0x046d, productId: 0xc52b }
    t.is(choosePort(undefined, [cp210x, mouse]), "/dev/ttyUSB0")
    t.is(choosePort("/dev/pts/4", []), "/dev/pts/4")
    t.throws(() => choosePort(undefined, [cp210x, espUsb]), {
        message:
            /several boards.*--port:\n  \/dev\/ttyUSB0 \(USB 10c4:ea60, Silicon Labs CP210x\)\n  \/dev\/ttyACM0 \(USB 303a:1001, Espressif/s,
    })
    const none = t.throws(() => choosePort(undefined, [mouse]))
    for (const vendor of ["303a Espressif", "10c4 Silicon Labs", "1a86 WCH", "0403 FTDI"])
        t.true(none?.message.includes(vendor), vendor)
    t.regex(none?.message ?? "", /^no board found/)
    t.regex(none?.message ?? "", /ports seen:\n  \/dev\/ttyACM1 \(USB 046d:c52b\)/)
    t.regex(t.throws(() => choosePort(undefined, []))?.message ?? "", /\(no USB serial ports at all\)/)
})

test("ports: sysfs is read for the USB vendor behind each tty", (t) => {
    const sys = join(dir, "sys")
    const usb = join(sys, "devices/usb1/1-1")
    mkdirSync(join(usb, "1-1:1.0/ttyUSB0"), { recursive: true })
    writeFileSync(join(usb, "idVendor"), "1a86\n")
    writeFileSync(join(usb, "idProduct"), "7523\n")
    writeFileSync(join(usb, "product"), "USB Serial\n")
    mkdirSync(join(sys, "class/tty/ttyUSB0"), { recursive: true })
    symlinkSync(join(usb, "1-1:1.0"), join(sys, "class/tty/ttyUSB0/device"))
    mkdirSync(join(sys, "class/tty/tty0"), { recursive: true }) // a console: no device
    t.deepEqual(listSerialPorts(join(sys, "class/tty"), "/dev"), [
        { path: "/dev/ttyUSB0", vendorId: 0x1a86, productId: 0x7523, product: "USB Serial" },
    ])
})

test("ports: permission and busy errors say what to do", (t) => {
    t.regex(
        explainOpenError("/dev/ttyUSB0", "Error: Permission denied, cannot open /dev/ttyUSB0"),
        /"dialout" group.*usermod -aG dialout/,
    )
    t.regex(explainOpenError("/dev/ttyUSB0", "Error Resource temporarily unavailable Cannot lock port"), /is busy/)
    t.regex(
        explainOpenError("/dev/ttyUSB9", "Error: No such file or directory, cannot open /dev/ttyUSB9"),
        /no such serial port/,
    )
})

test("console: output plain, errors mapped to file:line, positions withheld when the board runs another program", async (t) => {
    const program = await buildForBoard(fromRoot("test/scripts/hello.ts"), loadBoard("ai_thinker_esp32_cam"))
    const main = program.script.dbg.functions.findIndex((f) => f.name === "main")
    const pc = Array.from({ length: 400 }, (_, i) => i + 1).find((p) =>
        /hello\.ts/.test(new ConsoleLinesProbe(program).position(main, p)),
    )
    t.truthy(pc)
    const lines = (sha: string) => {
        const out: string[] = []
        const c = new ConsoleLines({ program, print: (l) => out.push(l) })
        c.push(
            new TextEncoder().encode(
                `DevS-SHA256: ${sha}\n> hello\n* Exception: Error\n*  message: boom\n*  at main_F${main} (pc:${pc})\n! Unhandled exception\nmgr: chatter\n`,
            ),
        )
        return out
    }
    const same = lines(program.sha256)
    t.deepEqual(same.slice(0, 2), ["hello", "! Error: boom"])
    t.regex(same[2], /^ {4}at main \(test\/scripts\/hello\.ts:1:\d+\)$/)
    t.is(same.length, 3) // runtime chatter only with --verbose
    const other = lines("0".repeat(64))
    t.regex(other.join("\n"), /runs program 0000000000000000…, not the last one built or deployed here/)
    t.regex(other.join("\n"), new RegExp(`at main_F${main} \\(pc:${pc}\\)$`))
})

/** The position ConsoleLines shows for a frame, with the board running this very program. */
class ConsoleLinesProbe {
    constructor(private readonly program: Awaited<ReturnType<typeof buildForBoard>>) {}
    position(fn: number, pc: number): string {
        const out: string[] = []
        const c = new ConsoleLines({ program: this.program, print: (l) => out.push(l) })
        c.pushLine(`*  at main_F${fn} (pc:${pc})`)
        return out.join("")
    }
}

// ---- deploy checks before acting (issue 23 item 2, 3): every refusal below
// happens before a port is even chosen (--port names a path that does not
// exist, so reaching the port would say so instead)

const NO_PORT = "/nonexistent/camscript-no-port"

async function builtImage(name: string, boardId = "ai_thinker_esp32_cam"): Promise<string> {
    const b = loadBoard(boardId)
    return writeProgram(await buildForBoard(fromRoot("test/scripts/board-ticks.ts"), b), join(dir, `${name}.devs`), b)
        .file!
}

function refusedBeforePort(t: ExecutionContext, r: Cli, message: RegExp) {
    t.is(r.code, 2, r.stderr)
    t.regex(r.stderr, message)
    t.notRegex(r.stderr, /RangeError|SyntaxError|internal error|went away|no such (device|file).*nonexistent/)
}

test("deploy refuses an empty, a 5-byte, a header-only, a truncated and a garbage image before any port is opened", async (t) => {
    const good = readFileSync(await builtImage("whole"))
    const cases: [string, Uint8Array, RegExp][] = [
        ["empty", new Uint8Array(0), /empty\.devs: it is empty \(0 bytes\); nothing was sent to the board/],
        ["five", Uint8Array.of(1, 2, 3, 4, 5), /five\.devs: it is 5 bytes, too short to be a DeviceScript image/],
        [
            "header",
            good.subarray(0, 64),
            /header\.devs: it is 64 bytes: a DeviceScript image is more than its 112-byte header/,
        ],
        [
            "truncated",
            good.subarray(0, good.length - 32),
            /truncated\.devs: it is cut short: its sections run to byte \d+, but it has \d+ bytes/,
        ],
        ["garbage", new Uint8Array(4096).fill(0xb8), /garbage\.devs: it is not a DeviceScript image/],
    ]
    for (const [name, bytes, message] of cases) {
        const file = join(dir, `${name}.devs`)
        writeFileSync(file, bytes)
        refusedBeforePort(t, await camscript("deploy", file, "--port", NO_PORT), message)
    }
})

test("deploy refuses an image larger than the runtime's program store, naming both sizes, before any port is opened", async (t) => {
    const good = readFileSync(await builtImage("small"))
    for (const size of [225_184, 2 * 1024 * 1024]) {
        const big = new Uint8Array(size)
        big.set(good)
        const file = join(dir, `big-${size}.devs`)
        writeFileSync(file, big)
        refusedBeforePort(
            t,
            await camscript("deploy", file, "--port", NO_PORT),
            new RegExp(
                `is ${size.toLocaleString("en-US")} bytes, but the camscript firmware's runtime \\(DeviceScript 2\\.16\\.0\\) keeps at most 225,152 bytes`,
            ),
        )
    }
})

test("deploy refuses a corrupt, a foreign and a mismatched -dbg.json by name", async (t) => {
    const image = await builtImage("dbg")
    const dbg = image.replace(/\.devs$/, "-dbg.json")
    const original = readFileSync(dbg, "utf8")
    writeFileSync(dbg, original.slice(0, 100))
    refusedBeforePort(
        t,
        await camscript("deploy", image, "--port", NO_PORT),
        /the debug info .*dbg-dbg\.json is not valid JSON \(.*\): rebuild the image/,
    )
    writeFileSync(dbg, "[1,2,3]")
    refusedBeforePort(t, await camscript("deploy", image, "--port", NO_PORT), /is not a DeviceScript debug file/)
    writeFileSync(dbg, original.replace(/"sha256":"[0-9a-f]+"/, `"sha256":"${"0".repeat(64)}"`))
    refusedBeforePort(t, await camscript("deploy", image, "--port", NO_PORT), /belongs to another image/)
})

test("deploy refuses a /dev/zero link, a FIFO and a folder as the image through the bounded reader", async (t) => {
    const zero = join(dir, "z.devs")
    symlinkSync("/dev/zero", zero)
    refusedBeforePort(
        t,
        await camscript("deploy", zero, "--port", NO_PORT),
        /z\.devs is a character device, not a regular file/,
    )
    const fifo = join(dir, "f.devs")
    execFileSync("mkfifo", [fifo])
    refusedBeforePort(
        t,
        await camscript("deploy", fifo, "--port", NO_PORT),
        /f\.devs is a FIFO \(named pipe\), not a regular file/,
    )
    const folder = join(dir, "d.devs")
    mkdirSync(folder)
    refusedBeforePort(
        t,
        await camscript("deploy", folder, "--port", NO_PORT),
        /d\.devs is a folder, not a regular file/,
    )
})

test("deploy refuses an image built for another board than --board names, before any port is opened", async (t) => {
    const wired = await builtImage("wired", "wt32_eth01")
    refusedBeforePort(
        t,
        await camscript("deploy", wired, "--board", "ai_thinker_esp32_cam", "--port", NO_PORT),
        /wired\.devs was built for wt32_eth01, not for ai_thinker_esp32_cam: rebuild it with `camscript build --board ai_thinker_esp32_cam`/,
    )
})

test("build prints the image's share of the runtime's program store; a script using Ethernet is refused for a board without it", async (t) => {
    const out = join(dir, "share.devs")
    const r = await camscript("build", "test/scripts/board-ticks.ts", "-o", out)
    t.is(r.code, 0, r.stderr)
    const size = readFileSync(out).length
    const pct = ((100 * size) / 225_152).toFixed(1)
    t.regex(
        r.stdout,
        new RegExp(
            `^program store: \\[=* *\\] ${pct.replace(".", "\\.")}% \\(used ${size.toLocaleString("en-US")} bytes from 225,152 bytes; camscript firmware, DeviceScript 2\\.16\\.0\\)$`,
            "m",
        ),
    )
    const wired = await camscript(
        "build",
        "examples/ethernet.ts",
        "--board",
        "ai_thinker_esp32_cam",
        "-o",
        join(dir, "w.devs"),
    )
    t.is(wired.code, 1)
    t.regex(
        wired.stderr,
        /examples\/ethernet\.ts:6:13: new network\.LAN needs Ethernet \(lan\), which board ai_thinker_esp32_cam/,
    )
    t.regex(wired.stderr, /Boards with Ethernet \(lan\): esp32_cam_w5500, olimex_esp32_poe, wt32_eth01/)
})

test("an image without its debug info still says which board it was built for (the board's id is compiled in)", async (t) => {
    const wired = await builtImage("nodbg", "wt32_eth01")
    rmSync(wired.replace(/\.devs$/, "-dbg.json"))
    t.is(readProgram(wired).board, "wt32_eth01")
    t.is(boardNamedIn(readFileSync(await builtImage("nodbg-cam"))), "ai_thinker_esp32_cam")
    refusedBeforePort(
        t,
        await camscript("deploy", wired, "--board", "ai_thinker_esp32_cam", "--port", NO_PORT),
        /nodbg\.devs was built for wt32_eth01, not for ai_thinker_esp32_cam/,
    )
})
