// The picture of the layers (docs/architecture-layers.svg), drawn from what
// dependency-cruiser finds: one box per top-level folder, in the order of
// tools/layers.cjs, and an arrow from each folder to every folder it really
// imports. The drawing is ours, not graphviz's, so `npm test` needs only
// Node: nine boxes in a column and the arrows as arcs on their right, the
// output the same bytes for the same imports. `npm run docs:layers` rewrites
// the file; test/layers-picture.test.ts fails when it is not current.
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import { fromRoot } from "../project/paths"

export interface Layer {
    folder: string
    uses: string[]
    holds: string
}
// a CommonJS file, so .dependency-cruiser.cjs can read the same list
export const { LAYERS } = require("./layers.cjs") as { LAYERS: Layer[] }
export const PICTURE = fromRoot("docs/architecture-layers.svg")

/** One import between two top-level folders; `allowed` says whether the layers permit it. */
export interface FolderEdge {
    from: string
    to: string
    allowed: boolean
}

interface CruiseResult {
    modules: { source: string; dependencies: { resolved: string; coreModule: boolean; couldNotResolve: boolean }[] }[]
}

/** The folder-to-folder imports of the layer folders, as dependency-cruiser resolves them (sorted). */
export function folderEdges(): FolderEdge[] {
    // the package exports no bin path; it is this project's own devDependency
    const bin = fromRoot("node_modules/dependency-cruiser/bin/dependency-cruise.mjs")
    const folders = LAYERS.map((l) => l.folder)
    const json = execFileSync(
        process.execPath,
        [bin, "--config", ".dependency-cruiser.cjs", "--output-type", "json", ...folders],
        { cwd: fromRoot("."), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    )
    return edgesOf(JSON.parse(json) as CruiseResult)
}

/** Folder edges from a cruise result: a file in one layer folder importing a file in another. */
export function edgesOf(result: CruiseResult): FolderEdge[] {
    const folderOf = (path: string) => LAYERS.find((l) => path.startsWith(l.folder + "/"))
    const seen = new Map<string, FolderEdge>()
    for (const m of result.modules) {
        const from = folderOf(m.source)
        if (!from) continue
        for (const d of m.dependencies) {
            if (d.coreModule || d.couldNotResolve) continue
            const to = folderOf(d.resolved)
            if (!to || to === from) continue
            seen.set(`${from.folder}>${to.folder}`, {
                from: from.folder,
                to: to.folder,
                allowed: from.uses.includes(to.folder),
            })
        }
    }
    const rank = (f: string) => LAYERS.findIndex((l) => l.folder === f)
    return [...seen.values()].sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to))
}

const BOX_X = 20
const BOX_W = 440
const BOX_H = 44
const ROW = 64
const TOP = 20
/** How far right an arc bulges: a base, and more per row it spans. */
const ARC_BASE = 26
const ARC_PER_ROW = 24

function escapeXml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
}

/** The SVG text: deterministic for the same edges. */
export function layersSvg(edges: FolderEdge[]): string {
    const row = (f: string) => LAYERS.findIndex((l) => l.folder === f)
    const right = BOX_X + BOX_W
    const maxSpan = Math.max(1, ...edges.map((e) => row(e.to) - row(e.from)))
    const width = right + ARC_BASE + ARC_PER_ROW * maxSpan + 30
    const legendY = TOP + LAYERS.length * ROW + 10
    const height = legendY + 40
    // Ports: arrows leave from the lower half of a box's right side and arrive
    // in the upper half. A longer arc leaves higher and arrives lower, so arcs
    // from one box (or into one box) nest instead of crossing.
    const span = (e: FolderEdge) => row(e.to) - row(e.from)
    const port = (list: FolderEdge[], e: FolderEdge, first: number, last: number) => {
        const i = list.indexOf(e)
        return list.length === 1 ? (first + last) / 2 : first + ((last - first) * i) / (list.length - 1)
    }
    const out = new Map<string, FolderEdge[]>()
    const into = new Map<string, FolderEdge[]>()
    for (const e of edges) {
        ;(out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e)
        ;(into.get(e.to) ?? into.set(e.to, []).get(e.to)!).push(e)
    }
    for (const list of out.values()) list.sort((a, b) => span(b) - span(a))
    for (const list of into.values()) list.sort((a, b) => span(a) - span(b))

    const lines: string[] = []
    lines.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
        `<title>camscript's layers: each folder imports only folders below it</title>`,
        `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>`,
        `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    )
    LAYERS.forEach((l, i) => {
        const y = TOP + i * ROW
        lines.push(
            `<g><rect x="${BOX_X}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="6" fill="#eef3fb" stroke="#4a6fa5"/>`,
            `<text x="${BOX_X + 12}" y="${y + 27}" font-weight="bold">${escapeXml(l.folder)}/</text>`,
            `<text x="${BOX_X + 100}" y="${y + 27}" fill="#333333">${escapeXml(l.holds)}</text></g>`,
        )
    })
    for (const e of edges) {
        const y1 = TOP + row(e.from) * ROW + port(out.get(e.from)!, e, BOX_H / 2 + 4, BOX_H - 6)
        const y2 = TOP + row(e.to) * ROW + port(into.get(e.to)!, e, 6, BOX_H / 2 - 4)
        const x = right + ARC_BASE + ARC_PER_ROW * (span(e) - 1)
        const colour = e.allowed ? "#555555" : "#cc0000"
        lines.push(
            `<path d="M${right},${y1} C${x},${y1} ${x},${y2} ${right + 2},${y2}" fill="none" stroke="${colour}" stroke-width="1.4" marker-end="url(#arrow)"><title>${e.from}/ imports ${e.to}/${e.allowed ? "" : " (against the layers)"}</title></path>`,
        )
    }
    lines.push(
        `<text x="${BOX_X}" y="${legendY + 12}" fill="#555555" font-size="12">An arc: the upper folder imports the lower one (red: against the layers in tools/layers.cjs).</text>`,
        `<text x="${BOX_X}" y="${legendY + 30}" fill="#555555" font-size="12">Drawn from dependency-cruiser's output by \`npm run docs:layers\`.</text>`,
        `</svg>`,
    )
    return lines.join("\n") + "\n"
}

if (require.main === module) {
    writeFileSync(PICTURE, layersSvg(folderEdges()))
    console.log(`wrote ${PICTURE}`)
}
