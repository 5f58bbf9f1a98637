import { randomBytes } from "node:crypto"
import type { Contract } from "../contract"
import { macBytes, macText } from "../drivers/contract-server"
import { JDServiceServer, type Packet } from "../jacdac"
import type { Air, Clock } from "../radio/air"
import type { Timeline } from "../timeline"
import type { EthernetHardware } from "../../project/boards"
import { derivedMac } from "../drivers/contract-server"
import type { Wire } from "../wired/wire"
import { EspEth, type EthEvents } from "./esp-eth"
import { EspSoftAp, type SoftApEvents } from "./esp-softap"
import type { ClientConfig } from "../world/world"
import { ESP, Netifs, NETIF_ETH, NETIF_STA } from "./esp-types"
import { EspWifi, type ApRecord, type WifiEvents } from "./esp-wifi"
import { firmwareModule, Wasm, type WasmMemory } from "./module"
import { EspCamera } from "./esp-camera"
import type { CameraHardwareModel, CapturedFrame } from "../drivers/camera"
import type { SensorConfig } from "../world/sensor"
import { FirmwareTasks, type TaskExports } from "./tasks"
import { firmwareHttpdImports, firmwareHttpImports } from "./http-imports"
import type { EspHttpServer } from "./esp-http-server"
import type { UploadWorld } from "../net/upload-connection"

/** the camera buffers' addresses (firmware/host/sim/sim.h SIM_FRAME_BASE, SIM_FRAME_SPAN) */
const SIM_FRAME_BASE = 0xc0000000
const SIM_FRAME_SPAN = 0x04000000
/** camera_init's settings (firmware/host/sim/sim.h SIM_CAM_SETTINGS) */
const CAMERA_SETTINGS = 23

// One simulated board running the firmware's C drivers: one WebAssembly
// instance of firmware/main/*.c with the ESP-IDF stand-ins, whose imports are
// the simulated ESP-IDF (esp-wifi.ts over the Air), and whose services are
// put on the jacdac-ts bus as servers of the same contracts the model
// drivers serve. The bytecode cannot tell which it talks to.
//
// Threads, made deterministic. On the chip ESP-IDF's event task runs the
// event handlers while the Jacdac main loop handles commands and runs each
// service's process(). Here they are two queues, drained in one fixed
// order per pass: every queued ESP-IDF event (in the order posted), then
// every command from the bus (in the order received), then one process()
// of each service. A pass runs right after anything is queued, again while
// the last one sent something, and every IDLE_PASS_MS otherwise (the main
// loop's timers: RSSI polls, the Ethernet no-link report).
//
// The C's own FreeRTOS tasks (the upload driver's) run in the same pass:
// first those a timer, a give or an answer of the simulated ESP-IDF made
// ready, and again after process() those a command woke (tasks.ts).

/** Main-loop passes while nothing happens. */
const IDLE_PASS_MS = 50

/** esp_reset_reason_t (ESP-IDF v5.0.5 components/esp_system/include/esp_system.h) */
const ESP_RST_POWERON = 1
const ESP_RST_DEEPSLEEP = 8

/**
 * The C called esp_deep_sleep_start(): thrown by the `deep_sleep` import
 * through the module's frames (nothing after it runs, as on the chip) and
 * caught by the pass that made the call.
 */
class DeepSleep {
    constructor(readonly ms: number) {}
}

/** Which of the firmware's services the board has (sim_init's flags). */
interface FirmwareServices {
    station?: Contract
    accessPoint?: Contract
    ethernet?: Contract
    camera?: Contract
    /** services/board-power.md (cam_board_power.c): deep sleep and the wake cause */
    power?: Contract
    /** with camera: the upload driver (services/http-upload.md), over the simulated esp_http_client */
    upload?: Contract
    /** with camera: the camera's server (services/camera-server.md), over the simulated esp_http_server */
    cameraServer?: Contract
}

export interface Exports extends TaskExports {
    memory: WasmMemory
    _initialize(): void
    sim_init(services: number): void
    sim_rtc_memory_start(): number
    sim_rtc_memory_end(): number
    sim_scratch(): number
    sim_service_count(): number
    sim_service_class(index: number): number
    sim_handle_packet(index: number, command: number, size: number): void
    sim_process(): void
    sim_event_wifi(id: number): void
    sim_event_scan_done(status: number, count: number): void
    sim_event_sta_connected(ssidLength: number, channel: number, authmode: number, aid: number): void
    sim_event_sta_disconnected(ssidLength: number, reason: number, rssi: number): void
    sim_event_got_ip(id: number, netif: number, ip: number, netmask: number, gateway: number, changed: number): void
    sim_event_lost_ip(id: number, netif: number): void
    sim_event_eth(id: number, handle: number): void
    sim_event_ap_station(id: number, aid: number): void
    sim_event_ap_ip_assigned(netif: number, ip: number): void
}

/** A contract's service, served by the C: commands and register reads go to the instance. */
export class FirmwareService extends JDServiceServer {
    private readonly commandCodes = new Set<number>()
    private readonly registerCodes = new Set<number>()
    /** every event the C sends, decoded by whoever watches this service */
    onEvent?: (code: number, data: Uint8Array) => void
    /** every command for the C, as it goes */
    onCommand?: (code: number, data: Uint8Array) => void

    constructor(
        readonly contract: Contract,
        private readonly deliver: (command: number, data: Uint8Array) => void,
    ) {
        super(contract.serviceClass)
        for (const p of contract.spec.packets) {
            if (p.kind === "command") this.commandCodes.add(p.identifier)
            else if (p.kind === "const" || p.kind === "ro" || p.kind === "rw") this.registerCodes.add(p.identifier)
        }
    }

    override async handlePacket(pkt: Packet): Promise<void> {
        if (pkt.isRegisterGet && this.registerCodes.has(pkt.registerIdentifier))
            return this.deliver(pkt.serviceCommand, pkt.data)
        if (pkt.isCommand && !pkt.isRegisterGet && !pkt.isRegisterSet && this.commandCodes.has(pkt.serviceCommand)) {
            this.onCommand?.(pkt.serviceCommand, pkt.data)
            return this.deliver(pkt.serviceCommand, pkt.data)
        }
        return super.handlePacket(pkt)
    }

    /** The C's register reply or event, onto the bus. */
    reply(command: number, data: Uint8Array) {
        void this.sendPacketAsync(packetFrom(command, data))
    }

    event(code: number, data: Uint8Array) {
        this.onEvent?.(code, data)
        void this.sendEvent(code, data)
    }
}

// Packet.from, without importing jacdac-ts's types as values here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Packet: PacketClass } = require("jacdac-ts") as { Packet: { from(cmd: number, data: Uint8Array): Packet } }
function packetFrom(command: number, data: Uint8Array): Packet {
    return PacketClass.from(command, data)
}

export interface FirmwareBoardOptions {
    air: Air
    clock: Clock
    timeline: Timeline
    /** the base (station) MAC, "aa:bb:cc:dd:ee:ff" */
    mac: string
    services: FirmwareServices
    /** the C's log lines (DMESG) */
    onLog?: (line: string) => void
    /** with services.ethernet: the cable and how the board's PHY is wired */
    wire?: Wire
    ethernetHardware?: EthernetHardware
    /** with services.accessPoint: the world's phones and laptops */
    clients?: ClientConfig[]
    /** with services.camera: the world's sensor behind the board's wiring */
    camera?: FirmwareCameraHardware
    /**
     * with services.power: the C went into deep sleep for `ms` (the board is
     * off until wake() is called; the session keeps the time)
     */
    onDeepSleep?: (ms: number) => void
    /** with services.upload: the world's servers and the board's routes, for esp_http_client */
    uploadWorld?: UploadWorld
    /** with services.cameraServer: the sessions esp_http_server answers */
    httpd?: EspHttpServer
}

/** The camera the C's esp32-camera calls reach (sim/firmware/esp-camera.ts). */
export interface FirmwareCameraHardware {
    hardware: CameraHardwareModel
    name: string
    scene: SensorConfig
    onFrame?: (frame: CapturedFrame) => void
}

export class FirmwareBoard {
    readonly wifi: EspWifi
    readonly eth?: EspEth
    readonly softAp?: EspSoftAp
    readonly camera?: EspCamera
    readonly netifs = new Netifs()
    readonly servers: FirmwareService[] = []
    private exports!: Exports
    /** the C's FreeRTOS tasks (tasks.ts), of the running instance */
    readonly tasks: FirmwareTasks
    /** the services sim_init starts (its flags), in the order it allocates them */
    private readonly flags: number
    private readonly order: Contract[] = []
    /** what esp_reset_reason() answers this boot */
    private resetReason = ESP_RST_POWERON
    /** RTC memory (RTC_DATA_ATTR) as the last instance left it before a deep sleep */
    private rtcMemory?: Uint8Array
    /** between a deep sleep and wake(): nothing of the chip runs */
    private asleep = false
    /** how many times the C has been started: 1, and one more per wake-up */
    boots = 0
    /** the WebAssembly imports (the simulated ESP-IDF), the same for every boot's instance */
    private readonly imported: Record<string, Record<string, unknown>>
    private readonly onDeepSleep?: (ms: number) => void
    private readonly events: ((e: Exports) => void)[] = []
    private readonly commands: { index: number; command: number; data: Uint8Array }[] = []
    private timer?: unknown
    private timerAt = Infinity
    private sentInPass = false
    private disposed = false
    private readonly clock: Clock

    constructor(options: FirmwareBoardOptions) {
        this.clock = options.clock
        const eventTask = { post: (deliver: (e: WifiEvents) => void) => this.post((x) => deliver(this.wifiEvents(x))) }
        this.wifi = new EspWifi(options.air, options.timeline, eventTask, this.netifs, options.mac)
        if (options.services.accessPoint) {
            const apTask = {
                post: (deliver: (e: SoftApEvents) => void) => this.post((x) => deliver(this.softApEvents(x))),
            }
            const softAp = new EspSoftAp(
                options.air,
                options.timeline,
                apTask,
                this.netifs,
                options.clients ?? [],
                () => this.wifi.associatedChannel(),
            )
            this.softAp = softAp
            this.wifi.softAp = softAp
            let channel = softAp.channel()
            this.wifi.onStationChannel = () => {
                softAp.stationChannelChanged(channel)
                channel = softAp.channel()
            }
        }
        if (options.services.ethernet && options.wire && options.ethernetHardware) {
            const ethTask = { post: (deliver: (e: EthEvents) => void) => this.post((x) => deliver(this.ethEvents(x))) }
            this.eth = new EspEth(
                options.services.ethernet,
                options.ethernetHardware,
                options.wire,
                options.clock,
                options.timeline,
                ethTask,
                this.netifs,
                derivedMac(options.mac, 3), // ESP_MAC_ETH: the base MAC + 3
            )
        }
        if (options.services.camera && options.camera) {
            const c = options.camera
            this.camera = new EspCamera(
                options.clock,
                options.timeline,
                c.hardware,
                c.name,
                c.scene,
                (ms) => this.schedule(ms),
                c.onFrame,
            )
        }
        this.onDeepSleep = options.onDeepSleep
        this.tasks = new FirmwareTasks(
            options.clock,
            () => this.exports,
            () => this.schedule(0),
        )
        this.imported = this.imports(options)

        const s = options.services
        const order = this.order
        let flags = 0
        if (s.station) ((flags |= 1), order.push(s.station))
        if (s.accessPoint) ((flags |= 2), order.push(s.accessPoint))
        if (s.ethernet) ((flags |= 4), order.push(s.ethernet))
        if (s.camera && this.camera) ((flags |= 8), order.push(s.camera))
        if (s.power) ((flags |= 16), order.push(s.power))
        if (s.upload && this.camera && options.uploadWorld) ((flags |= 32), order.push(s.upload))
        if (s.cameraServer && this.camera && options.httpd) ((flags |= 64), order.push(s.cameraServer))
        this.flags = flags
        this.boot()
        for (let i = 0; i < order.length; i++)
            this.servers.push(new FirmwareService(order[i], (command, data) => this.command(i, command, data)))
        this.schedule(0)
    }

    /**
     * The chip starts: a fresh instance of the module (fresh DRAM: every C
     * static at its initial value), RTC memory put back after a deep sleep,
     * then app_main's service inits (sim_init; devicescript-esp32 f6aec45
     * main/main.c runs app_main from the top after every reset, deep sleep's
     * included), which must start the same services in the same order as
     * the first boot: they keep their places on the bus.
     */
    private boot() {
        const instance = new Wasm.Instance(firmwareModule(), this.imported)
        this.exports = instance.exports as unknown as Exports
        this.exports._initialize()
        // no task of an instance before runs again (each boot's C creates its own)
        this.tasks.start()
        this.boots++
        if (this.rtcMemory) {
            // "Data in RTC memory is initialised whenever the SoC restarts, except when
            // waking from deep sleep" (ESP-IDF v5.0.5 docs/en/api-guides/deep-sleep-stub.rst)
            const start = this.exports.sim_rtc_memory_start()
            const end = this.exports.sim_rtc_memory_end()
            if (end - start !== this.rtcMemory.length) throw new Error("firmware: the RTC memory changed size")
            this.bytes(start, end - start).set(this.rtcMemory)
            this.rtcMemory = undefined
        }
        this.exports.sim_init(this.flags)
        const count = this.exports.sim_service_count()
        if (count !== this.order.length)
            throw new Error(`firmware: sim_init started ${count} services, expected ${this.order.length}`)
        for (let i = 0; i < count; i++) {
            const contract = this.order[i]
            const cls = this.exports.sim_service_class(i)
            if (contract.serviceClass !== cls)
                throw new Error(
                    `firmware service ${i} has class 0x${cls.toString(16)}, expected ${contract.spec.shortId}`,
                )
        }
    }

    /**
     * esp_deep_sleep_start(): the chip is off. What runs on it stops here:
     * queued events and commands are lost, and the simulated ESP-IDF (radio,
     * Ethernet, camera, netifs) goes back to its power-on state, as the
     * chip's peripherals lose power ("In Deep-sleep mode, the CPUs, most of
     * the RAM, and all digital peripherals that are clocked from APB_CLK are
     * powered off": ESP-IDF v5.0.5 docs/en/api-reference/system/sleep_modes.rst).
     * Only the RTC memory is kept, for wake().
     */
    private sleep(ms: number) {
        const start = this.exports.sim_rtc_memory_start()
        this.rtcMemory = this.bytes(start, this.exports.sim_rtc_memory_end() - start).slice()
        this.asleep = true
        this.tasks.dispose() // the chip's tasks stop with it
        this.events.length = 0
        this.commands.length = 0
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
        this.timer = undefined
        this.timerAt = Infinity
        this.wifi.powerOff()
        this.softAp?.powerOff()
        this.eth?.powerOff()
        this.camera?.powerOff()
        this.netifs.clear()
        this.onDeepSleep?.(ms)
    }

    /** The RTC timer ended the deep sleep: the chip boots from reset (esp_reset_reason() ESP_RST_DEEPSLEEP). */
    wake() {
        if (!this.asleep || this.disposed) return
        this.asleep = false
        this.resetReason = ESP_RST_DEEPSLEEP
        this.boot()
        this.schedule(0)
    }

    /** Whether the chip is in deep sleep (between the C's esp_deep_sleep_start() and wake()). */
    get sleeping(): boolean {
        return this.asleep
    }

    /** The server of a contract, if the board has it. */
    server(contract: Contract | undefined): FirmwareService | undefined {
        return contract ? this.servers.find((s) => s.contract.serviceClass === contract.serviceClass) : undefined
    }

    /** Bytes of linear memory the instance holds. */
    get memoryBytes(): number {
        return this.exports.memory.buffer.byteLength
    }

    dispose() {
        this.disposed = true
        this.tasks.dispose()
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    }

    // --- the two queues ------------------------------------------------------

    /**
     * Queue an ESP-IDF event for the C (tests use this, with the exports'
     * names, to deliver events in orders of their choosing).
     */
    post(deliver: (e: Exports) => void) {
        if (this.asleep) return // the event task is gone with the chip's power
        this.events.push(deliver)
        this.schedule(0)
    }

    /** Queue a command from the bus for service `index` (tests use this without a VM). */
    command(index: number, command: number, data: Uint8Array) {
        if (this.asleep) return // nobody listens on a board in deep sleep
        this.commands.push({ index, command, data: data.slice() })
        this.schedule(0)
    }

    /** A main-loop pass in `ms` (sooner passes stay). */
    schedule(ms: number) {
        if (this.disposed || this.asleep) return
        const at = this.clock.now() + ms
        if (this.timer !== undefined && this.timerAt <= at) return
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
        this.timerAt = at
        this.timer = this.clock.setTimeout(() => {
            this.timer = undefined
            this.timerAt = Infinity
            this.pass()
        }, ms)
    }

    /** One turn: the event task's queue, then the main loop's commands and process(). */
    pass() {
        if (this.disposed || this.asleep) return
        this.sentInPass = false
        const x = this.exports
        try {
            // the tasks a delay, a give or an answer of the simulated ESP-IDF made ready, until each blocks again
            this.tasks.passStarted()
            this.tasks.runReady()
            while (this.events.length) this.events.shift()!(x)
            while (this.commands.length) {
                const { index, command, data } = this.commands.shift()!
                this.scratch().set(data)
                try {
                    x.sim_handle_packet(index, command, data.length)
                } finally {
                    data.fill(0) // a command may carry a key
                }
            }
            x.sim_process()
            // a task the commands woke runs now, as a FreeRTOS task of higher priority than the main loop would
            this.tasks.runReady()
        } catch (e) {
            if (e instanceof DeepSleep) return this.sleep(e.ms)
            throw e
        }
        // the main loop goes on while it has work (lists sent a few per pass)
        this.schedule(this.sentInPass || this.events.length || this.commands.length ? 1 : IDLE_PASS_MS)
    }

    // --- memory ------------------------------------------------------------------

    private bytes(ptr: number, length: number): Uint8Array {
        return new Uint8Array(this.exports.memory.buffer, ptr, length)
    }

    private text(ptr: number, length: number): string {
        return Buffer.from(this.bytes(ptr, length)).toString("utf8")
    }

    /** A body the C writes: its own memory, or a camera buffer's bytes by address (SIM_FRAME_BASE, sim.h). */
    private body(address: number, length: number): Uint8Array | undefined {
        if (address >= SIM_FRAME_BASE) {
            const offset = (address - SIM_FRAME_BASE) % SIM_FRAME_SPAN
            const bytes = this.camera?.heldBytes(Math.floor((address - SIM_FRAME_BASE) / SIM_FRAME_SPAN))
            return bytes && offset + length <= bytes.length ? bytes.subarray(offset, offset + length) : undefined
        }
        return address + length <= this.memoryBytes ? this.bytes(address, length).slice() : undefined
    }

    private scratch(): Uint8Array {
        return this.bytes(this.exports.sim_scratch(), 1024)
    }

    private view(): DataView {
        return new DataView(this.exports.memory.buffer)
    }

    /** ssid in scratch[0..32), bssid in scratch[32..38) */
    private putSsidBssid(ssid: string, bssid: string): number {
        const s = this.scratch()
        s.fill(0, 0, 38)
        const name = Buffer.from(ssid, "utf8").subarray(0, 32)
        s.set(name, 0)
        s.set(macBytes(bssid), 32)
        return name.length
    }

    /** The Wi-Fi events as calls of `x` (strings and MACs through the scratch buffer). */
    wifiEvents(x: Exports): WifiEvents {
        return {
            wifi: (id) => x.sim_event_wifi(id),
            scanDone: (status, count) => x.sim_event_scan_done(status, count),
            staConnected: (ssid, bssid, channel, authmode) =>
                x.sim_event_sta_connected(this.putSsidBssid(ssid, bssid), channel, authmode, 1),
            staDisconnected: (ssid, bssid, reason, rssi) =>
                x.sim_event_sta_disconnected(this.putSsidBssid(ssid, bssid), reason, rssi),
            gotIp: (id, netif, ip, netmask, gateway) => x.sim_event_got_ip(id, netif, ip, netmask, gateway, 1),
        }
    }

    private putMac(mac: string) {
        this.scratch().set(macBytes(mac), 0)
    }

    private softApEvents(x: Exports): SoftApEvents {
        return {
            wifi: (id) => x.sim_event_wifi(id),
            apStation: (id, mac, aid) => {
                this.putMac(mac)
                x.sim_event_ap_station(id, aid)
            },
            apIpAssigned: (netif, mac, ip) => {
                this.putMac(mac)
                x.sim_event_ap_ip_assigned(netif, ip)
            },
        }
    }

    private ethEvents(x: Exports): EthEvents {
        return {
            eth: (id, handle) => x.sim_event_eth(id, handle),
            gotIp: (id, netif, ip, netmask, gateway) => x.sim_event_got_ip(id, netif, ip, netmask, gateway, 1),
        }
    }

    /** sim_ap_t: bssid[6] ssid[33] primary rssi authmode */
    private writeApRecord(ptr: number, r: ApRecord) {
        const b = this.bytes(ptr, 42)
        b.fill(0)
        b.set(macBytes(r.bssid), 0)
        b.set(Buffer.from(r.ssid, "utf8").subarray(0, 32), 6)
        b[39] = r.channel
        b[40] = r.rssi & 0xff
        b[41] = r.authmode
    }

    private imports(o: FirmwareBoardOptions): Record<string, Record<string, unknown>> {
        const wifi = this.wifi
        const netifs = this.netifs
        const optional = (ptr: number, length: number) => (ptr ? this.text(ptr, length) : undefined)
        const camscript = {
            now_ms: () => o.clock.now(),
            log: (ptr: number, length: number) => o.onLog?.(this.text(ptr, length)),
            fatal: (ptr: number, length: number) => {
                throw new Error(`firmware: ${this.text(ptr, length)}`)
            },
            jd_event: (index: number, code: number, ptr: number, size: number) => {
                this.sentInPass = true
                this.servers[index]?.event(code, this.bytes(ptr, size).slice())
            },
            jd_reply: (index: number, command: number, ptr: number, size: number) =>
                this.servers[index]?.reply(command, this.bytes(ptr, size).slice()),
            random: () => randomBytes(4).readUInt32LE(0),
            base_mac: (ptr: number) => this.bytes(ptr, 6).set(macBytes(o.mac)),
            // esp_deep_sleep_start (esp_sleep_sim.c): the milliseconds as two u32 halves
            deep_sleep: (low: number, high: number) => {
                throw new DeepSleep((high >>> 0) * 2 ** 32 + (low >>> 0))
            },
            reset_reason: () => this.resetReason,

            wifi_set_mode: (mode: number) => wifi.setMode(mode),
            wifi_start: () => wifi.start(),
            wifi_stop: () => wifi.stop(),
            wifi_connect: () => wifi.connect(),
            wifi_disconnect: () => wifi.disconnect(),
            wifi_sta_config: (
                ssid: number,
                ssidLength: number,
                password: number,
                passwordLength: number,
                bssidSet: number,
                bssid: number,
                channel: number,
            ) =>
                wifi.setStaConfig({
                    ssid: this.text(ssid, ssidLength),
                    password: this.text(password, passwordLength),
                    bssid: bssidSet ? macText(this.bytes(bssid, 6)) : undefined,
                    channel,
                }),
            wifi_ap_config: (
                ssid: number,
                ssidLength: number,
                password: number,
                passwordLength: number,
                channel: number,
                authmode: number,
                hidden: number,
                maxConnection: number,
            ) => {
                if (!wifi.apInMode) return ESP.ERR_WIFI_MODE
                if (!this.softAp) return ESP.ERR_WIFI_MODE
                return this.softAp.setConfig({
                    ssid: this.text(ssid, ssidLength),
                    password: this.text(password, passwordLength),
                    channel,
                    authmode,
                    hidden: !!hidden,
                    maxConnection,
                })
            },
            wifi_scan_start: (ssid: number, ssidLength: number, bssid: number, channel: number, hidden: number) =>
                wifi.scanStart(
                    optional(ssid, ssidLength),
                    bssid ? macText(this.bytes(bssid, 6)) : undefined,
                    channel,
                    !!hidden,
                ),
            wifi_scan_stop: () => wifi.scanStop(),
            wifi_scan_count: () => wifi.scanCount(),
            wifi_scan_record: (index: number, ptr: number) => {
                const r = wifi.scanRecord(index)
                if (!r) return 0
                this.writeApRecord(ptr, r)
                return 1
            },
            wifi_scan_clear: () => wifi.scanClear(),
            wifi_sta_ap_info: (ptr: number) => {
                const r = wifi.apInfo()
                if (!r) return ESP.ERR_WIFI_NOT_CONNECT
                this.writeApRecord(ptr, r)
                return ESP.OK
            },
            wifi_channel: () => wifi.associatedChannel() ?? (wifi.apInMode ? (this.softAp?.channel() ?? 0) : 0),
            wifi_set_tx_power: (quarterDbm: number) => wifi.setTxPower(quarterDbm),
            wifi_deauth_sta: (aid: number) => this.softAp?.deauth(aid) ?? ESP.ERR_WIFI_MODE,
            // sim_sta_t: mac[6] rssi i8 aid u8 ip u32 (12 bytes)
            wifi_ap_stations: (ptr: number, capacity: number) => {
                const list = (this.softAp?.stations() ?? []).slice(0, capacity)
                const v = this.view()
                list.forEach((st, i) => {
                    const at = ptr + 12 * i
                    this.bytes(at, 6).set(macBytes(st.mac))
                    v.setInt8(at + 6, st.rssi)
                    v.setUint8(at + 7, st.aid)
                    v.setUint32(at + 8, st.ip >>> 0, true)
                })
                return list.length
            },

            eap_set: (kind: number, ptr: number, length: number) =>
                wifi.eapSet(kind, length ? this.text(ptr, length) : undefined),
            eap_options: (phase2: number, methods: number) => wifi.eapOptions(phase2, methods),
            eap_enable: (on: number) => wifi.eapEnable(!!on),

            netif_new: (kind: number) => netifs.create(kind).id,
            netif_destroy: (id: number) => netifs.destroy(id),
            netif_dhcpc: (id: number, start: number) => {
                const n = netifs.get(id)
                if (!n) return ESP.ERR_NETIF_INVALID_PARAMS
                if (!!start === n.dhcpClient)
                    return start ? ESP.ERR_NETIF_DHCP_ALREADY_STARTED : ESP.ERR_NETIF_DHCP_ALREADY_STOPPED
                n.dhcpClient = !!start
                if (start) {
                    n.ip = n.netmask = n.gateway = 0
                    if (n.kind === NETIF_STA) wifi.dhcpStarted()
                    if (n.kind === NETIF_ETH) this.eth?.dhcpStarted(n.id)
                }
                return ESP.OK
            },
            netif_dhcps: (id: number, start: number) => {
                const n = netifs.get(id)
                if (!n) return ESP.ERR_NETIF_INVALID_PARAMS
                n.dhcpServer = !!start
                return ESP.OK
            },
            netif_set_ip: (id: number, ip: number, netmask: number, gateway: number) => {
                const n = netifs.get(id)
                if (!n) return ESP.ERR_NETIF_INVALID_PARAMS
                n.ip = ip >>> 0
                n.netmask = netmask >>> 0
                n.gateway = gateway >>> 0
                if (n.kind === NETIF_STA && !n.dhcpClient) wifi.addressSet()
                if (n.kind === NETIF_ETH && !n.dhcpClient) this.eth?.addressSet(n.id)
                return ESP.OK
            },
            netif_set_dns: (id: number, dns: number) => {
                const n = netifs.get(id)
                if (!n) return ESP.ERR_NETIF_INVALID_PARAMS
                n.dns = dns >>> 0
                return ESP.OK
            },
            netif_get_dns: (id: number) => netifs.get(id)?.dns ?? 0,
            netif_is_up: (id: number) => {
                const n = netifs.get(id)
                if (n?.kind === NETIF_ETH) return this.eth?.netifUp(id) ? 1 : 0
                if (n?.kind === NETIF_STA) return wifi.associatedChannel() !== undefined ? 1 : 0
                return n ? 1 : 0
            },
            netif_get_ip: (id: number, ptr: number) => {
                const n = netifs.get(id)
                const v = this.view()
                ;[n?.ip ?? 0, n?.netmask ?? 0, n?.gateway ?? 0].forEach((w, i) =>
                    v.setUint32(ptr + 4 * i, w >>> 0, true),
                )
            },
            netif_set_hostname: (id: number, ptr: number, length: number) => {
                const n = netifs.get(id)
                if (!n) return ESP.ERR_NETIF_INVALID_PARAMS
                n.hostname = this.text(ptr, length)
                return ESP.OK
            },

            eth_install: (settings: number, handleOut: number) => {
                if (!this.eth) return ESP.ERR_NOT_SUPPORTED
                const v = new Int32Array(this.exports.memory.buffer, settings, 12)
                const { err, handle } = this.eth.install({
                    phyType: v[0],
                    phyAddress: v[1],
                    mdc: v[2],
                    mdio: v[3],
                    clockMode: v[4],
                    clockGpio: v[5],
                    spiHost: v[6],
                    sclk: v[7],
                    mosi: v[8],
                    miso: v[9],
                    cs: v[10],
                })
                this.view().setUint32(handleOut, handle, true)
                return err
            },
            eth_attach: (handle: number, netif: number) => this.eth?.attach(handle, netif) ?? ESP.ERR_INVALID_ARG,
            eth_start: (handle: number) => this.eth?.start(handle) ?? ESP.ERR_INVALID_ARG,
            eth_stop: (handle: number) => this.eth?.stop(handle) ?? ESP.ERR_INVALID_ARG,
            eth_uninstall: (handle: number) => this.eth?.uninstall(handle) ?? ESP.ERR_INVALID_ARG,
            eth_speed: (handle: number, mbpsOut: number, fullOut: number) => {
                const r = this.eth?.speed(handle)
                if (!r) return ESP.ERR_INVALID_ARG
                this.view().setUint32(mbpsOut, r.mbps, true)
                this.view().setUint32(fullOut, r.full ? 1 : 0, true)
                return r.err
            },
            gpio_set_level: (pin: number, level: number) => {
                if (this.camera && o.camera && pin === o.camera.hardware.flashPin)
                    return this.camera.setFlash(level !== 0)
                this.eth?.setGpio(pin, level)
            },

            camera_init: (ptr: number) => {
                if (!this.camera) return ESP.ERR_NOT_SUPPORTED
                const v = new Int32Array(this.exports.memory.buffer, ptr, CAMERA_SETTINGS)
                return this.camera.init({
                    pins: [...v.subarray(0, 16)],
                    xclkHz: v[16],
                    pixelFormat: v[17],
                    frameSize: v[18],
                    jpegQuality: v[19],
                    fbCount: v[20],
                    fbLocation: v[21],
                    grabMode: v[22],
                })
            },
            camera_deinit: () => this.camera?.deinit() ?? ESP.ERR_INVALID_STATE,
            camera_available: () => (this.camera?.available() ? 1 : 0),
            // sim_fb_t: index, length, width, height, format, timestamp sec, usec (u32 each)
            camera_take: (ptr: number) => {
                const r = this.camera?.take()
                if (!r) return 0
                const us = Math.round(r.timestampMs * 1000)
                const words = [r.index, r.length, r.width, r.height, r.format, Math.floor(us / 1e6), us % 1e6]
                const v = this.view()
                words.forEach((w, i) => v.setUint32(ptr + 4 * i, w, true))
                return 1
            },
            camera_give: (index: number) => this.camera?.give(index),
            camera_give_all: () => this.camera?.giveAll(),
            camera_sensor_pid: () => this.camera?.sensorPid() ?? 0,
            camera_sensor_set: (setting: number, value: number) =>
                this.camera?.sensorSet(setting, value) ?? ESP.ERR_INVALID_STATE,
            psram_size: () => this.camera?.psramBytes() ?? 0,
            ...this.tasks.imports(),
            ...firmwareHttpImports(
                o.uploadWorld,
                this.tasks,
                (ptr, length) => this.text(ptr, length),
                (address, length) => this.body(address, length),
                () => this.view(),
            ),
            ...firmwareHttpdImports(
                o.httpd,
                this.tasks,
                (ptr, length) => this.text(ptr, length),
                (address, length) => this.body(address, length),
                (ptr, length) => this.bytes(ptr, length),
            ),
        }
        // printf's stdout plumbing is linked but never used: no file descriptors
        const wasi = {
            fd_write: () => 8,
            fd_close: () => 8,
            fd_seek: () => 8,
        }
        return { camscript, wasi_snapshot_preview1: wasi }
    }
}
