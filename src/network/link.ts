import * as ds from "@devicescript/core"
import { board } from "../board"
import { formatIp } from "./address"
import { LinkTimeoutError } from "./errors"
import { _internal } from "../pending"

/** The driver confirms active/disconnect with a `link` event well within this. */
export const DRIVER_ANSWER_MS = 5000
/** Link up but no DHCP lease by then: the attempt reads AddressTimeout. */
export const ADDRESS_GIVE_UP_MS = 15000

/**
 * Whether a driver event carries every field the handler reads: an event
 * cut short (a faulty or older driver) is dropped rather than applied with
 * undefined fields, which would crash the script or report a state nobody
 * sent.
 */
export function complete(v: any[], fields: number): boolean {
    if (!v || v.length < fields) return false
    for (let i = 0; i < fields; i++) if (v[i] === undefined || v[i] === null) return false
    return true
}

/**
 * Read a driver's contract version and refuse any other than `expected`.
 * A read from a service nobody serves waits for ever, so the read runs in
 * camscript's own fiber and `missing` is thrown when no driver answers in
 * DRIVER_ANSWER_MS (a board whose firmware lacks the driver). `driver`
 * names it in the version error ("camera driver", "camera server").
 */
export async function checkContractVersion(
    version: ds.Register<number>,
    expected: number,
    driver: string,
    missing: string,
) {
    const answer = ds.emitter<number>()
    let v: number = undefined
    _internal.setTimeout(async () => {
        v = await version.read()
        answer.emit(v)
    }, 0)
    const start = ds.millis()
    while (v === undefined) {
        const left = DRIVER_ANSWER_MS - (ds.millis() - start)
        if (left <= 0) throw new Error(missing)
        await ds.wait(answer, left)
    }
    if (v !== expected)
        throw new Error(
            `the ${driver} speaks contract version ${v}, this camscript needs ${expected}: update the firmware or camscript`,
        )
}

/** Given to `on_change` handlers on every change of a link. */
export interface LinkChange {
    /** "wlan" or "lan" */
    iface: string
    /** what `status()` reads now */
    status: number
    /** what `isconnected()` reads now */
    connected: boolean
    /** the driver's link state, as a word ("scanning", "link-up", "got-address", ...) */
    state: string
    /** why the last attempt failed or the link dropped, in words ("" when none) */
    reason: string
    /** IPv4 address, "0.0.0.0" when none */
    ip: string
    /** Wi-Fi: the network's name; Ethernet: "" */
    ssid: string
    /** Wi-Fi: dBm; Ethernet: 0 */
    rssi: number
}

/** IPv4 configuration from the newest `link` event (u32 addresses). */
export interface Addresses {
    ip: number
    netmask: number
    gateway: number
    dns: number
}

/**
 * What every interface's state keeper shares (WLAN's StationLink, LAN's
 * EthernetLink): the confirmation wait, wait_connected, the change emitter,
 * addresses and hostname. Driver events arrive in fibers started by the
 * VM's event dispatch; handlers never await, so events apply in order.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export abstract class Link {
    active = false
    hostname: string = board().hostname
    mac: Buffer = null
    addresses: Addresses = { ip: 0, netmask: 0, gateway: 0, dns: 0 }
    readonly changed: ds.Emitter<LinkChange> = ds.emitter<LinkChange>()
    private driverChecked = false
    /** the driver's service has been seen on the bus */
    private driverBound = false
    /** the driver's service left the bus while the interface was active; re-applied when it returns */
    driverGone = false

    /** "Wi-Fi" / "Ethernet", for messages */
    abstract label(): string
    abstract isconnected(): boolean
    abstract status(): number
    /** why the link is not up, in words ("" when nothing failed) */
    abstract reasonText(): string
    abstract change(): LinkChange
    abstract setActive(on: boolean): Promise<void>
    /** send `set_address` (mode: 0 DHCP, 1 static) */
    abstract sendAddress(ip: number, netmask: number, gateway: number, dns: number, mode: number): Promise<void>
    abstract sendHostname(name: string): Promise<void>
    /** whether there is anything to wait for (a connect() asked, or a cable-bound interface) */
    abstract expectsLink(): boolean

    /** The link's own state when its driver vanished: stopped, timers cancelled (no await). */
    protected driverLost() {}
    /** Re-apply to a driver that came back (it restarted, so it is stopped): active, settings, connect(). */
    protected async driverReturned() {}

    /**
     * Follow the driver's service on the bus. A driver that restarts (its
     * service vanishes and returns) comes back stopped and has forgotten
     * everything: the link reads as down meanwhile, and what the script
     * asked for is sent again when it returns.
     */
    protected watchDriver(role: ds.Role) {
        const self = this
        role.binding().subscribe((bound) => self.onBinding(bound))
    }

    private onBinding(bound: boolean) {
        if (!bound) {
            if (this.driverBound && this.active) {
                this.driverGone = true
                this.driverLost()
                this.emitChange()
            }
            this.driverBound = false
            return
        }
        this.driverBound = true
        if (!this.driverGone) return
        this.driverGone = false
        // it may be another firmware now: check its contract version again
        this.driverChecked = false
        const self = this
        const reapply = async () => {
            await self.driverReturned()
        }
        reapply.start()
    }

    /**
     * Once per link: the driver must speak the contract's major version this
     * module was written for; its MAC is read at the same time.
     */
    protected async checkDriver(version: ds.Register<number>, mac: ds.Register<Buffer>, expected: number) {
        if (this.driverChecked) return
        await checkContractVersion(
            version,
            expected,
            `${this.label()} driver`,
            `active(true): no camscript ${this.label()} driver answered in ${DRIVER_ANSWER_MS} ms: the board's firmware lacks it. On the stock DeviceScript firmware build with --firmware stock (Wi-Fi station only), or flash the camscript firmware`,
        )
        this.mac = await mac.read()
        this.driverChecked = true
    }

    ifconfig(): string[] {
        const a = this.addresses
        return [formatIp(a.ip), formatIp(a.netmask), formatIp(a.gateway), formatIp(a.dns)]
    }

    async setHostname(name: string) {
        this.hostname = name
        await this.sendHostname(name)
    }

    /** Wait on driver events (no polling) until `done()` holds. */
    async until(done: () => boolean, what: string, timeout_ms?: number) {
        const limit = timeout_ms ?? DRIVER_ANSWER_MS
        const start = ds.millis()
        while (!done()) {
            const left = limit - (ds.millis() - start)
            if (left <= 0) throw new Error(`${what}: the ${this.label()} driver did not answer in ${limit} ms`)
            await ds.wait(this.changed, left)
        }
    }

    async waitConnected(timeout_ms: number): Promise<void> {
        const start = ds.millis()
        while (!this.isconnected()) {
            const left = timeout_ms - (ds.millis() - start)
            if (left <= 0) {
                const why = this.reasonText() || "still connecting"
                throw new LinkTimeoutError(this.label(), timeout_ms, this.status(), why)
            }
            await ds.wait(this.changed, left)
        }
    }

    emitChange() {
        this.changed.emit(this.change())
    }
}
