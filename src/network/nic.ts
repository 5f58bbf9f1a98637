import { parseIp, parseNetmask } from "./address"
import { checkHostname, describe } from "./credentials"
import { Link, LinkChange } from "./link"
import { _holdWhileRegistered } from "../pending"

const ADDRESS_DHCP = 0
const ADDRESS_STATIC = 1

/**
 * What WLAN and LAN share (MicroPython's AbstractNIC): isconnected, ifconfig,
 * wait_connected, on_change, reason. Reads are synchronous; anything that
 * talks to the driver is async.
 * @devsWhenUsed (a method enters the image only where a script's code, or camscript's, names it)
 */
export abstract class Nic {
    protected link: Link

    /** True only when the link is up AND the interface holds an IP address. */
    isconnected(): boolean {
        return this.link.isconnected()
    }

    /** Why the link is not up, in words ("" when nothing failed). */
    reason(): string {
        return this.link.reasonText()
    }

    /**
     * `ifconfig()`: [ip, netmask, gateway, dns] now ("0.0.0.0" when none).
     * `await ifconfig([ip, netmask, gateway, dns])`: a static address;
     * `await ifconfig("dhcp")`: back to DHCP. Either applies at once when
     * connected, and to every later connection.
     */
    ifconfig(): string[]
    ifconfig(config: string[] | string): Promise<void>
    // @ts-ignore DeviceScript runs an async method called without await
    // synchronously, so the read form above can return its value directly.
    async ifconfig(config?: string[] | string): any {
        if (config === undefined) return this.link.ifconfig()
        if (config === "dhcp") {
            await this.link.sendAddress(0, 0, 0, 0, ADDRESS_DHCP)
            return
        }
        if (!Array.isArray(config) || config.length !== 4) {
            // describe(), not the VM's JSON.stringify (which escapes each UTF-8 byte of a string)
            const got = Array.isArray(config) ? "an array of " + (config as string[]).length : describe(config)
            throw new Error(`ifconfig(): expected "dhcp" or [ip, netmask, gateway, dns], got ${got}`)
        }
        const c = config as string[]
        const ip = parseIp(c[0], "ifconfig() ip")
        const mask = parseNetmask(c[1], "ifconfig() netmask")
        const gw = parseIp(c[2], "ifconfig() gateway")
        const dns = parseIp(c[3], "ifconfig() dns")
        await this.link.sendAddress(ip, mask, gw, dns, ADDRESS_STATIC)
    }

    /**
     * Resolve once `isconnected()` is true; reject with a LinkTimeoutError
     * (carrying `status` and `reason`) after `timeout_ms`. No busy loop.
     */
    async wait_connected(timeout_ms: number): Promise<void> {
        if (typeof timeout_ms !== "number" || !(timeout_ms > 0))
            throw new Error(`wait_connected(): timeout_ms must be a number of milliseconds > 0, got ${timeout_ms}`)
        if (!this.link.active) throw new Error("wait_connected(): the interface is not active")
        if (!this.link.expectsLink()) throw new Error("wait_connected(): no network to wait for: call connect() first")
        await this.link.waitConnected(timeout_ms)
    }

    /** Call `handler` on every change of the link; returns a function that stops it. */
    on_change(handler: (change: LinkChange) => void): () => void {
        if (typeof handler !== "function")
            throw new Error(`on_change(): expected a function (change) => { ... }, got ${describe(handler)}`)
        // a registered handler keeps a simulated run going (src/pending.ts)
        return _holdWhileRegistered(this.link.changed.subscribe(handler))
    }

    protected async setHostname(value: any) {
        checkHostname(value, "config()")
        await this.link.setHostname(value)
    }
}
