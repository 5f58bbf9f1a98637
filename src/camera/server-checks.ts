// Checks of cam.serve()'s arguments against src/limits.ts. Pure functions
// with no DeviceScript import (run in the image and under Node, where
// limits/table.ts probes them at their edges). Value first, `what` second;
// each throws an Error saying what was wrong and what is allowed. A
// password is never quoted back: only its length.

import * as L from "../limits"
import { describe } from "../network/credentials"
import { checkWhole } from "../network/ranges"

/** The port the camera listens on. */
export function checkServePort(v: any, what: string) {
    checkWhole(v, what, L.SERVE_PORT_MIN, L.SERVE_PORT_MAX, `a TCP port ${L.SERVE_PORT_MIN}..${L.SERVE_PORT_MAX}`)
}

/** The stream's frame rate cap. */
export function checkServeFps(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.SERVE_FPS_MIN,
        L.SERVE_FPS_MAX,
        `an integer ${L.SERVE_FPS_MIN}..${L.SERVE_FPS_MAX} (frames a second)`,
    )
}

/** Stream clients at once. */
export function checkStreamClients(v: any, what: string) {
    checkWhole(
        v,
        what,
        L.SERVE_STREAM_CLIENTS_MIN,
        L.SERVE_STREAM_CLIENTS_MAX,
        `an integer ${L.SERVE_STREAM_CLIENTS_MIN}..${L.SERVE_STREAM_CLIENTS_MAX}`,
    )
}

/** "/" then letters, digits and - . _ ~ / only: a path as the client sends it, needing no escapes. */
export function checkServePath(v: any, what: string) {
    const allowed = `a path of ${L.SERVE_PATH_MIN_CHARS}..${L.SERVE_PATH_MAX_CHARS} characters starting with "/", of letters, digits and - . _ ~ /`
    if (typeof v !== "string") throw new Error(`${what} must be ${allowed}, got ${describe(v)}`)
    const s = v as string
    if (s.length < L.SERVE_PATH_MIN_CHARS || s.length > L.SERVE_PATH_MAX_CHARS)
        throw new Error(`${what} must be ${allowed}, got ${s.length} characters`)
    if (s.charCodeAt(0) !== 47) throw new Error(`${what} must be ${allowed}, got ${describe(s)}`)
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        const ok =
            (c >= 48 && c <= 57) ||
            (c >= 65 && c <= 90) ||
            (c >= 97 && c <= 122) ||
            c === 45 ||
            c === 46 ||
            c === 95 ||
            c === 126 ||
            c === 47
        if (!ok) throw new Error(`${what} must be ${allowed}, got ${describe(s)}`)
    }
}

function printable(s: string): boolean {
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c < 32 || c > 126) return false
    }
    return true
}

/** The HTTP Basic user name: printable ASCII without ':' (RFC 7617 splits at the first colon). */
export function checkServeUser(v: any, what: string) {
    const allowed = `${L.SERVE_USER_MIN_CHARS}..${L.SERVE_USER_MAX_CHARS} printable ASCII characters without ":"`
    if (typeof v !== "string") throw new Error(`${what} must be ${allowed}, got ${describe(v)}`)
    const s = v as string
    if (s.length < L.SERVE_USER_MIN_CHARS || s.length > L.SERVE_USER_MAX_CHARS)
        throw new Error(`${what} must be ${allowed}, got ${s.length} characters`)
    if (!printable(s) || s.indexOf(":") >= 0) throw new Error(`${what} must be ${allowed}, got ${describe(s)}`)
}

/** The HTTP Basic password: printable ASCII; never quoted back. */
export function checkServePassword(v: any, what: string) {
    const allowed = `${L.SERVE_PASSWORD_MIN_CHARS}..${L.SERVE_PASSWORD_MAX_CHARS} printable ASCII characters`
    if (typeof v !== "string") throw new Error(`${what} must be a string of ${allowed}, got ${typeof v}`)
    const s = v as string
    if (s.length < L.SERVE_PASSWORD_MIN_CHARS || s.length > L.SERVE_PASSWORD_MAX_CHARS)
        throw new Error(`${what} must be ${allowed}, got ${s.length} characters`)
    if (!printable(s)) throw new Error(`${what} must be ${allowed}; it holds another character`)
}
