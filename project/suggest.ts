// "Did you mean": the closest names to a word the user typed, for commands,
// flags, board ids, world field names and event actions. Case, hyphens and
// underscores are folded first, so `ai-thinker-esp32-cam` finds
// `ai_thinker_esp32_cam` before any edit distance is counted.

/** lower case, with "-", " " and "_" all made "_" */
export function fold(name: string): string {
    return name.toLowerCase().replace(/[-_\s]+/g, "_")
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
    const rows: number[][] = []
    for (let i = 0; i <= a.length; i++) {
        rows.push([i])
        for (let j = 1; j <= b.length; j++) {
            if (i === 0) {
                rows[0].push(j)
                continue
            }
            const cost = a[i - 1] === b[j - 1] ? 0 : 1
            let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d = Math.min(d, rows[i - 2][j - 2] + 1)
            rows[i].push(d)
        }
    }
    return rows[a.length][b.length]
}

/**
 * The candidates a typo most likely meant, best first (at most `max`):
 * equal once folded (or once separators are dropped); then names that end or start with the word as whole
 * parts (`esp32_cam` in `ai_thinker_esp32_cam`), or one a prefix of the
 * other (`txPower`, `txPowerDbm`; `simulate`, `sim`); then names within a
 * few edits (about one per three letters).
 */
export function suggestions(word: string, candidates: readonly string[], max = 2): string[] {
    const w = fold(word)
    if (!w) return []
    const ranked: { name: string; rank: number }[] = []
    for (const name of new Set(candidates)) {
        const c = fold(name)
        if (c === w) {
            ranked.push({ name, rank: 0 })
            continue
        }
        // the same name written without its separators ("esp32cam" for the
        // "esp32_cam" of ai_thinker_esp32_cam): compared with none at all
        const cw = w.replace(/_/g, "")
        const cc = c.replace(/_/g, "")
        if (cc === cw) {
            ranked.push({ name, rank: 0.5 })
            continue
        }
        const distance = editDistance(w, c)
        const shorter = Math.min(w.length, c.length)
        // vendor first, then model: "x_esp32_cam" is an ESP32-CAM, "esp32_cam_y" one with something added
        if (c.endsWith(`_${w}`)) ranked.push({ name, rank: 1 + distance / 1000 })
        else if (c.startsWith(`${w}_`)) ranked.push({ name, rank: 1.5 + distance / 1000 })
        else if (cw.length >= 4 && cc.endsWith(cw)) ranked.push({ name, rank: 1.2 + distance / 1000 })
        else if (cw.length >= 4 && cc.startsWith(cw)) ranked.push({ name, rank: 1.7 + distance / 1000 })
        else if (shorter >= 3 && (c.startsWith(w) || w.startsWith(c))) ranked.push({ name, rank: 2 + distance / 1000 })
        else if (distance <= Math.max(1, Math.round(w.length / 3))) ranked.push({ name, rank: 3 + distance })
    }
    return ranked
        .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name))
        .slice(0, max)
        .map((r) => r.name)
}

/** `; did you mean "x"?` (or `"x" or "y"`), or "" when nothing is close. `quote` wraps each name. */
export function didYouMean(word: string, candidates: readonly string[], quote = (s: string) => `"${s}"`): string {
    const found = suggestions(word, candidates)
    return found.length ? `; did you mean ${found.map(quote).join(" or ")}?` : ""
}
