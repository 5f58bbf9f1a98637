// Checks of numbers, sizes and domain names against src/limits.ts. Pure
// functions with no DeviceScript import: compiled into the image, and also
// run under Node, where the table-driven edge tests and the mutation tests
// (npm run mutate) reach them. Each takes the value first and `what` (the
// call and the field, e.g. "config(): channel") second, and throws an Error
// that says what was wrong and what is allowed.

import * as L from "../limits"
import { byteLength, describe, isDnsLabel } from "./credentials"

/** A whole number lo..hi; `allowed` says so in words. */
export function checkWhole(v: any, what: string, lo: number, hi: number, allowed: string) {
    if (typeof v !== "number" || Math.round(v) !== v || v < lo || v > hi)
        throw new Error(`${what} must be ${allowed}, got ${describe(v)}`)
}

/** A Wi-Fi channel, for the access point. */
export function checkChannel(v: any, what: string) {
    checkWhole(v, what, L.CHANNEL_MIN, L.CHANNEL_MAX, `${L.CHANNEL_MIN}..${L.CHANNEL_MAX}`)
}

/** How many stations the access point admits. */
export function checkApClients(v: any, what: string) {
    checkWhole(v, what, L.AP_CLIENTS_MIN, L.AP_CLIENTS_MAX, `${L.AP_CLIENTS_MIN}..${L.AP_CLIENTS_MAX}`)
}

/** Station transmit power in dBm; fractions are rounded by the driver. */
export function checkTxpower(v: any, what: string) {
    if (typeof v !== "number" || !(v >= L.TXPOWER_MIN_DBM && v <= L.TXPOWER_MAX_DBM))
        throw new Error(`${what} must be ${L.TXPOWER_MIN_DBM}..${L.TXPOWER_MAX_DBM} dBm, got ${describe(v)}`)
}

/** Retries of a failed or dropped link: -1 forever, or a count. */
export function checkReconnects(v: any, what: string) {
    if (typeof v !== "number" || Math.round(v) !== v || v < L.RECONNECTS_MIN)
        throw new Error(`${what} must be an integer >= ${L.RECONNECTS_MIN} (-1 = retry forever), got ${describe(v)}`)
}

/** `scan({ max })`. */
export function checkScanMax(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.SCAN_MIN_RESULTS,
        L.SCAN_MAX_RESULTS,
        `an integer ${L.SCAN_MIN_RESULTS}..${L.SCAN_MAX_RESULTS}`,
    )
}

/** The Ethernet PHY's address on the management bus. */
export function checkPhyAddr(v: any, what: string) {
    checkWhole(v, what, L.PHY_ADDR_MIN, L.PHY_ADDR_MAX, `${L.PHY_ADDR_MIN}..${L.PHY_ADDR_MAX}`)
}

/** A GPIO number, or -1 for a pin that is not wired. */
export function checkPin(v: any, what: string) {
    checkWhole(v, what, L.GPIO_NONE, L.GPIO_MAX, `a GPIO number 0..${L.GPIO_MAX}, or ${L.GPIO_NONE} for none`)
}

/** The W5500's SPI host. */
export function checkSpiHost(v: any, what: string) {
    checkWhole(v, what, L.SPI_HOST_MIN, L.SPI_HOST_MAX, "1 (SPI2) or 2 (SPI3)")
}

/** The RMII reference clock mode (LAN.CLOCK_*). */
export function checkRefClkMode(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.REF_CLK_MODE_MIN,
        L.REF_CLK_MODE_MAX,
        "one of LAN.CLOCK_GPIO0_IN, CLOCK_GPIO0_OUT, CLOCK_GPIO16_OUT, CLOCK_GPIO17_OUT",
    )
}

/** An enterprise identity, username or password: 1..127 bytes of UTF-8. Never echoes the text. */
export function checkEapText(v: any, what: string) {
    const allowed = `a string of ${L.EAP_TEXT_MIN_BYTES}..${L.EAP_TEXT_MAX_BYTES} bytes`
    if (typeof v !== "string") throw new Error(`${what} must be ${allowed}, got ${typeof v}`)
    const n = byteLength(v as string)
    if (n < L.EAP_TEXT_MIN_BYTES || n > L.EAP_TEXT_MAX_BYTES) throw new Error(`${what} must be ${allowed}, got ${n}`)
}

/**
 * PEM text of at most `maxBytes` bytes as given (what is sent to the chip);
 * returns its bytes. The content is checked elsewhere, and never echoed.
 */
export function checkPemSize(v: any, what: string, maxBytes: number): Buffer {
    if (typeof v !== "string")
        throw new Error(`${what} must be PEM text (a string starting with -----BEGIN), got ${typeof v}`)
    const pem = Buffer.from(v as string)
    if (pem.length > maxBytes)
        throw new Error(`${what} is ${pem.length} bytes; the camera holds at most ${maxBytes} bytes for it`)
    return pem
}

/**
 * The login server's domain: labels of letters, digits and '-' (1..63
 * characters each, not starting or ending with '-'), at most 253 in all.
 */
export function checkDomain(v: any, what: string) {
    const allowed = `a domain name like radius.example.org (labels of 1..${L.DOMAIN_LABEL_MAX_CHARS} letters, digits or '-', at most ${L.DOMAIN_MAX_CHARS} characters in all)`
    if (typeof v !== "string" || (v as string).length > L.DOMAIN_MAX_CHARS)
        throw new Error(`${what} must be ${allowed}, got ${describe(v)}`)
    for (const label of (v as string).split("."))
        if (!isDnsLabel(label, L.DOMAIN_LABEL_MAX_CHARS))
            throw new Error(`${what} must be ${allowed}, got ${describe(v)}`)
}
