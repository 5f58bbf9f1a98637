import * as ds from "@devicescript/core"
import { SCAN_MAX_RESULTS } from "../limits"
import { formatIp, formatMac } from "./address"
import { ADDRESS_GIVE_UP_MS, complete, Link, LinkChange } from "./link"
import { jittered, retryDelay, RetryJitter } from "./backoff"
import { forget, recall, rememberSoon } from "./reconnect"
import { type Enterprise, support } from "./support"
import { reasonStatus, reasonText, STAT_CONNECTING, STAT_GOT_IP, STAT_IDLE } from "./status"
import { _internal } from "../pending"

const State = ds.CamWifiStationLinkState
const Reason = ds.CamWifiStationLinkReason

/** The major version of services/wifi-station.md this module drives. */
export const CONTRACT_VERSION = 1
/** A scan that has not reported back by then is a driver fault. */
export const SCAN_GIVE_UP_MS = 10000

/** What the driver last said about the link (the `link` event, decoded). */
export interface LinkSnapshot {
    state: number
    rssi: number
    reason: number
    channel: number
    security: number
    bssid: Buffer
    ip: number
    netmask: number
    gateway: number
    dns: number
    ssid: string
}

/** One network seen by `scan()`. */
export interface ScanRecord {
    ssid: string
    /** "aa:bb:cc:dd:ee:ff" */
    bssid: string
    channel: number
    /** dBm */
    rssi: number
    /** one of WLAN.SEC_* */
    security: number
    /** true when the access point does not broadcast its name (then ssid is "") */
    hidden: boolean
}

interface Wanted {
    ssid: string
    key: string
    bssid: Buffer
    /** enterprise credentials, sent to the driver once per connect() */
    enterprise: Enterprise
    /** the next attempt may go straight to the remembered access point (fast reconnect) */
    fast: boolean
    /** the user named the access point (a BSSID): nothing is remembered or recalled */
    pinned: boolean
}

const STATE_NAMES = ["stopped", "idle", "scanning", "associating", "handshaking", "obtaining-address", "got-address"]

function emptySnapshot(): LinkSnapshot {
    return {
        state: State.Stopped,
        rssi: 0,
        reason: Reason.None,
        channel: 0,
        security: 0,
        bssid: Buffer.alloc(6),
        ip: 0,
        netmask: 0,
        gateway: 0,
        dns: 0,
        ssid: "",
    }
}

/**
 * The station interface's state and policy: one per board, shared by every
 * `WLAN(IF_STA)` object. Driver events arrive in fibers started by the VM's
 * event dispatch; the handlers below never await, so events are applied in
 * the order the driver sent them.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export class StationLink extends Link {
    readonly driver: ds.CamWifiStation
    snap: LinkSnapshot = emptySnapshot()
    wanted: Wanted = null
    /** contract reason of the newest failure since the last connect()/success; 0 if none */
    failure = 0
    /** the failed access point's security, kept for reasonText() while retries scan anew */
    failureSecurity = 0
    /** consecutive failed attempts since the last success or connect() */
    failedAttempts = 0
    /** MicroPython's `reconnects`: -1 unlimited, 0 never retry, n at most n retries */
    reconnects = -1
    txpower = 20
    /**
     * ifconfig([...])'s static address [ip, netmask, gateway, dns], sent again
     * to a driver that restarted; null on DHCP (then a lease may be reused)
     */
    private staticConfig: number[] = null
    /** the attempt under way went straight to a remembered access point */
    private fastAttempt = false
    /**
     * Set by connect() until the driver shows it began that attempt (a
     * Scanning event naming the network asked for). Until then every event is
     * about an earlier link or attempt (sent before the driver read the
     * command) and is dropped: nothing of it may count for the new attempt.
     */
    private starting = false
    /** beginFresh() told on_change already: the driver's Scanning that lifts `starting` is not told again */
    private freshAnnounced = false
    private retryTimer: number = undefined
    /** the back-off's jitter, seeded from the station MAC once the driver has been read */
    private jitter: RetryJitter = null
    private addressTimer: number = undefined
    private scanRecords: ScanRecord[] = []
    /** scan_record events received for the scan under way */
    private scanReceived = 0
    private scanKeep = SCAN_MAX_RESULTS
    /** "" for every network */
    private scanSsid = ""
    /** networks the last scan heard (matching its ssid) but did not keep */
    scanDropped = 0
    private scanCount = -1
    private readonly scanFinished = ds.emitter<number>()

    constructor() {
        super()
        this.driver = new ds.CamWifiStation()
        // DeviceScript closures cannot capture `this`
        const self = this
        // field counts of the `link` and `scan_record` events (services/wifi-station.md)
        this.driver.link.subscribe((v) => {
            if (complete(v, 12)) self.onLink(v)
        })
        this.driver.scanRecord.subscribe((v) => {
            if (complete(v, 7)) self.onScanRecord(v)
        })
        this.driver.scanDone.subscribe((count) => self.onScanDone(count))
        this.watchDriver(this.driver)
    }

    protected override driverLost() {
        this.stopPolicy()
        this.starting = false
        this.snap = emptySnapshot()
        this.addresses = { ip: 0, netmask: 0, gateway: 0, dns: 0 }
    }

    protected override async driverReturned() {
        if (!this.active) return
        const self = this
        await this.checkDriver(this.driver.contractVersion, this.driver.mac, CONTRACT_VERSION)
        await this.driver.setHostname(this.hostname)
        await this.driver.setTxPower(this.txpower)
        // it came back on DHCP: a static address must not turn into a lease
        const a = this.staticConfig
        if (a) await this.driver.setAddress(a[0], a[1], a[2], a[3], 1)
        await this.driver.setActive(true)
        await this.until(() => self.snap.state !== State.Stopped, "the Wi-Fi driver's return")
        const w = this.wanted
        if (!w) return
        this.failedAttempts = 0
        if (w.enterprise) await support.enterprise.send(this.driver, w.enterprise)
        await this.attempt()
    }

    label(): string {
        return "Wi-Fi"
    }

    isconnected(): boolean {
        return this.active && this.snap.state === State.GotAddress
    }

    expectsLink(): boolean {
        return !!this.wanted || this.isconnected()
    }

    status(): number {
        if (!this.active) return STAT_IDLE
        if (this.snap.state === State.GotAddress) return STAT_GOT_IP
        if (!this.wanted) return STAT_IDLE
        // a retry under way still reports why the previous attempt failed:
        // "connecting" forever while nothing can succeed helps nobody
        if (this.failure) return reasonStatus(this.failure)
        return STAT_CONNECTING
    }

    reasonText(): string {
        if (this.driverGone)
            return "the Wi-Fi driver went away (restarting); active(), the settings and connect() are sent again when it returns"
        if (!this.failure) return ""
        return reasonText(this.failure, this.failureSecurity, !!(this.wanted && this.wanted.enterprise))
    }

    change(): LinkChange {
        return {
            iface: "wlan",
            status: this.status(),
            connected: this.isconnected(),
            state: STATE_NAMES[this.snap.state] ?? "unknown",
            reason: this.reasonText(),
            ip: formatIp(this.snap.ip),
            ssid: this.snap.ssid,
            rssi: this.snap.rssi,
        }
    }

    async sendAddress(ip: number, netmask: number, gateway: number, dns: number, mode: number) {
        this.staticConfig = mode !== 0 ? [ip, netmask, gateway, dns] : null
        await this.driver.setAddress(ip, netmask, gateway, dns, mode)
    }

    async sendHostname(name: string) {
        await this.driver.setHostname(name)
    }

    async setActive(on: boolean) {
        if (on === this.active) return
        const self = this
        if (on) {
            await this.checkDriver(this.driver.contractVersion, this.driver.mac, CONTRACT_VERSION)
            this.active = true
            try {
                await this.driver.setHostname(this.hostname)
                await this.driver.setTxPower(this.txpower)
                await this.driver.setActive(true)
                await this.until(() => self.snap.state !== State.Stopped, "active(true)")
                await this.adoptOrLeave()
            } catch (e) {
                // not confirmed: the interface is not up, whatever was asked
                this.active = false
                throw e
            }
        } else {
            this.stopPolicy()
            this.starting = false
            this.wanted = null
            this.failure = 0
            this.active = false
            await this.driver.setActive(false)
            await this.until(() => self.snap.state === State.Stopped, "active(false)")
        }
    }

    async connect(ssid: string, key: string, bssid: Buffer, enterprise?: Enterprise) {
        this.stopPolicy()
        // a pinned BSSID is the user's choice: only an unpinned connect goes to a remembered AP
        let pinned = false
        if (bssid) for (let i = 0; i < bssid.length; i++) if (bssid[i] !== 0) pinned = true
        this.wanted = {
            ssid: ssid,
            key: key,
            bssid: bssid,
            enterprise: enterprise ?? null,
            fast: !pinned,
            pinned: pinned,
        }
        this.failure = 0
        this.failedAttempts = 0
        this.beginFresh(ssid)
        if (enterprise) await support.enterprise.send(this.driver, enterprise)
        await this.attempt()
    }

    /**
     * From the moment connect() is called nothing about an earlier link counts
     * (docs/api.md, "Connected is connected"): not connected, CONNECTING, no
     * address, config("ssid") the network asked for, until the driver reports
     * on this attempt. Also for the network already joined, with the same key:
     * connect() is a new attempt (the key is checked again, as a setup flow
     * storing a new password needs), not a no-op.
     */
    private beginFresh(ssid: string) {
        const before = this.change()
        this.starting = true
        this.fastAttempt = false
        const snap = emptySnapshot()
        snap.state = State.Scanning
        snap.ssid = ssid
        this.snap = snap
        this.addresses = { ip: 0, netmask: 0, gateway: 0, dns: 0 }
        // on_change hears of it now when what it saw is void (a link that was
        // up, an address, a failure); the driver's Scanning then adds nothing.
        // From idle the driver's Scanning tells it, as it always did.
        const now = this.change()
        this.freshAnnounced =
            before.connected || before.ip !== now.ip || (before.status !== STAT_IDLE && before.status !== now.status)
        if (this.freshAnnounced) this.emitChange()
    }

    /**
     * active(true) on a driver that already holds a link: the previous
     * program's (a deploy or restart restarts the program, not the radio).
     * A link that is up is adopted: isconnected() says so, and what this
     * program set before active(true) (hostname, tx power, a static address)
     * has already been applied to it by the driver. An attempt still under
     * way is not a link anybody in this program asked for: it is ended
     * (disassociate). Either way the next connect() starts afresh
     * (beginFresh): adopting never stands in for checking a network or key.
     */
    private async adoptOrLeave() {
        const s = this.snap.state
        if (s <= State.Idle || s === State.GotAddress) return
        const self = this
        await this.driver.disassociate()
        await this.until(() => self.snap.state <= State.Idle, "active(true) ending the previous program's attempt")
    }

    async disconnect() {
        this.stopPolicy()
        this.starting = false
        this.wanted = null
        this.failure = 0
        await this.driver.disassociate()
        const self = this
        await this.until(() => self.snap.state <= State.Idle, "disconnect()")
    }

    private async attempt() {
        const w = this.wanted
        if (!w || !this.active) return
        let channel = 0
        let bssid = w.bssid
        this.fastAttempt = false
        const last = w.fast ? await recall(w.ssid) : null
        if (last && this.wanted === w) {
            // fast reconnect: that AP on that channel, and (with DHCP) the same address
            channel = last.channel
            bssid = Buffer.from(last.bssid, "hex")
            this.fastAttempt = true
            if (!this.staticConfig) await this.driver.setAddress(last.ip, last.netmask, last.gateway, last.dns, 0)
        }
        if (w.enterprise) await this.driver.associateEnterprise(channel, w.ssid, bssid)
        else await this.driver.associate(channel, w.ssid, w.key, bssid)
    }

    /** The fast attempt found nothing where the AP was: forget it and scan every channel at once. */
    private async fallBack() {
        const w = this.wanted
        if (!w) return
        w.fast = false
        if (!this.staticConfig) await this.driver.setAddress(0, 0, 0, 0, 0)
        await this.attempt()
        await forget(w.ssid)
    }

    private keep(snap: LinkSnapshot) {
        const w = this.wanted
        if (!w || w.pinned) return
        w.fast = true
        const link = {
            ssid: snap.ssid,
            bssid: snap.bssid.toString("hex"),
            channel: snap.channel,
            ip: snap.ip,
            netmask: snap.netmask,
            gateway: snap.gateway,
            dns: snap.dns,
        }
        // event handlers never await: the flash write runs in a fiber of its own
        rememberSoon(link)
    }

    private stopPolicy() {
        if (this.retryTimer !== undefined) _internal.clearTimeout(this.retryTimer)
        if (this.addressTimer !== undefined) _internal.clearTimeout(this.addressTimer)
        this.retryTimer = undefined
        this.addressTimer = undefined
    }

    private onLink(v: any[]) {
        if (this.starting) {
            // the driver's first word on the new attempt: Scanning, naming its network
            if (!this.wanted || v[0] !== State.Scanning || v[10] !== this.wanted.ssid) return
            this.starting = false
            if (this.freshAnnounced) {
                this.freshAnnounced = false
                this.snap.rssi = v[1]
                this.snap.channel = v[3]
                return
            }
        }
        const prevState = this.snap.state
        // field order of the `link` event in services/wifi-station.md (v[5] is reserved)
        this.snap = {
            state: v[0],
            rssi: v[1],
            reason: v[2],
            channel: v[3],
            security: v[4],
            ip: v[6],
            netmask: v[7],
            gateway: v[8],
            dns: v[9],
            ssid: v[10],
            bssid: v[11],
        }
        this.addresses = { ip: v[6], netmask: v[7], gateway: v[8], dns: v[9] }
        const s = this.snap.state
        if (this.wanted && this.active) {
            if (s === State.GotAddress) {
                this.failure = 0
                this.failedAttempts = 0
                this.fastAttempt = false
                this.stopPolicy()
                if (prevState !== State.GotAddress) this.keep(this.snap)
            } else if (s === State.Idle && this.fastAttempt && this.snap.reason === Reason.NoApFound) {
                // the remembered AP is not where it was: the full path, now, not after a back-off
                this.fastAttempt = false
                const self = this
                this.retryTimer = setTimeout(async () => {
                    self.retryTimer = undefined
                    await self.fallBack()
                }, 0)
            } else if (s === State.ObtainingAddress && prevState !== State.ObtainingAddress) {
                this.startAddressWatch()
            } else if (
                s === State.Idle &&
                this.snap.reason !== Reason.None &&
                this.snap.reason !== Reason.LeftByRequest
            ) {
                this.failure = this.snap.reason
                this.failureSecurity = this.snap.security
                this.scheduleRetry()
            }
        }
        this.emitChange()
    }

    private startAddressWatch() {
        if (this.addressTimer !== undefined) _internal.clearTimeout(this.addressTimer)
        const self = this
        this.addressTimer = _internal.setTimeout(async () => {
            self.addressTimer = undefined
            if (!self.wanted || self.snap.state !== State.ObtainingAddress) return
            // the driver would wait for a lease forever; giving up is policy
            self.failure = Reason.AddressTimeout
            await self.driver.disassociate()
            self.scheduleRetry()
            self.emitChange()
        }, ADDRESS_GIVE_UP_MS)
    }

    private scheduleRetry() {
        if (this.retryTimer !== undefined) return
        if (this.reconnects >= 0 && this.failedAttempts >= this.reconnects) return
        this.failedAttempts++
        if (!this.jitter) this.jitter = new RetryJitter(this.mac ?? Buffer.alloc(0))
        // a number is drawn only for a jittered wait: the sequence is the cap's alone
        const delay = retryDelay(this.failedAttempts, jittered(this.failedAttempts) ? this.jitter.next() : 0)
        const self = this
        this.retryTimer = _internal.setTimeout(async () => {
            self.retryTimer = undefined
            await self.attempt()
        }, delay)
    }

    /** Scan; keep the `keep` strongest networks named `ssid` ("" for all). */
    async scan(keep: number, ssid: string): Promise<ScanRecord[]> {
        this.scanRecords = []
        this.scanReceived = 0
        this.scanKeep = keep
        this.scanSsid = ssid
        this.scanDropped = 0
        this.scanCount = -1
        await this.driver.scan()
        const start = ds.millis()
        while (this.scanCount < 0 || this.scanReceived < this.scanCount) {
            const left = SCAN_GIVE_UP_MS - (ds.millis() - start)
            if (left <= 0) throw new Error(`scan(): the Wi-Fi driver did not finish scanning in ${SCAN_GIVE_UP_MS} ms`)
            await ds.wait(this.scanFinished, left)
        }
        // the count is not a property of the array: DeviceScript 2.16's
        // garbage collector trips over properties set on arrays
        const out = this.scanRecords
        this.scanRecords = []
        return out
    }

    /**
     * One network heard. The list stays sorted, strongest first, and never
     * longer than scanKeep: a weaker network than the weakest kept is only
     * counted, so the work and memory per event are bounded however many
     * networks the radio hears.
     */
    private onScanRecord(v: any[]) {
        this.scanReceived++
        const list = this.scanRecords
        const rssi: number = v[1]
        if (this.scanSsid && v[5] !== this.scanSsid) {
            // not asked for
        } else if (list.length >= this.scanKeep && rssi <= list[list.length - 1].rssi) {
            this.scanDropped++
        } else {
            if (list.length >= this.scanKeep) {
                list.pop()
                this.scanDropped++
            }
            let at = list.length
            while (at > 0 && list[at - 1].rssi < rssi) at--
            list.insert(at, 1) // native: opens a slot
            list[at] = {
                ssid: v[5],
                bssid: formatMac(v[6]),
                channel: v[2],
                rssi: rssi,
                security: v[3],
                hidden: v[4] !== 0,
            }
        }
        if (this.scanCount >= 0) this.scanFinished.emit(this.scanReceived)
    }

    private onScanDone(count: number) {
        this.scanCount = count
        this.scanFinished.emit(this.scanCount)
    }
}

let station: StationLink = null

/** The board's one station link, created on first use. */
export function stationLink(): StationLink {
    if (!station) station = new StationLink()
    return station
}
