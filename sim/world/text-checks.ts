// Text no radio can carry: what a world's SSIDs and strings may not hold.

/** What an SSID holding NUL is told: connect() refuses such a name, so no camera could join it. */
export const NUL_IN_SSID =
    "holds a NUL character: a camera's connect() refuses such a name (the radio would cut it short there), so nothing could join it"

/** Push a problem for every string (and object key) under `value` holding a lone UTF-16 surrogate. */
export function loneSurrogates(value: unknown, at: string, problems: string[]) {
    const check = (s: string, where: string) => {
        for (let i = 0; i < s.length; i++) {
            const c = s.charCodeAt(i)
            if (c < 0xd800 || c > 0xdfff) continue
            const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0
            if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
                i++
                continue
            }
            problems.push(
                `${where || "the world"} holds a lone UTF-16 surrogate (\\u${c.toString(16)}) at position ${i}: it has no UTF-8 form; write the character itself or a whole surrogate pair`,
            )
            return
        }
    }
    if (typeof value === "string") return check(value, at)
    if (Array.isArray(value)) return value.forEach((v, i) => loneSurrogates(v, `${at}[${i}]`, problems))
    if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) {
            const where = at ? `${at}.${k}` : k
            check(k, `${where} (the key)`)
            loneSurrogates(v, where, problems)
        }
}
