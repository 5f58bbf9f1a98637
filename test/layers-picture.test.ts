import test from "ava"
import { readFileSync } from "node:fs"
import { edgesOf, folderEdges, LAYERS, layersSvg, PICTURE } from "../tools/layers-svg"

// docs/architecture-layers.svg is drawn from dependency-cruiser's output
// (tools/layers-svg.ts); it must be the picture of the imports as they stand.

test("docs/architecture-layers.svg is current (npm run docs:layers rewrites it)", (t) => {
    const edges = folderEdges()
    // every folder imports only what tools/layers.cjs lets it (npm run lint:layers names the file)
    t.deepEqual(
        edges.filter((e) => !e.allowed).map((e) => `${e.from}/ -> ${e.to}/`),
        [],
    )
    // the picture draws real imports: the top folder reaches the simulator, src/ reaches nothing
    t.true(edges.some((e) => e.from === "cli" && e.to === "sim"))
    t.false(edges.some((e) => e.from === "src"))
    const current = layersSvg(edges)
    t.true(
        readFileSync(PICTURE, "utf8") === current,
        "docs/architecture-layers.svg is not the picture of the imports as they stand: run `npm run docs:layers`",
    )
})

test("the picture has a box per layer, top to bottom, and draws an import against the layers in red", (t) => {
    const cruise = {
        modules: [
            {
                source: "project/paths.ts",
                dependencies: [
                    { resolved: "sim/session.ts", coreModule: false, couldNotResolve: false },
                    { resolved: "src/limits.ts", coreModule: false, couldNotResolve: false },
                    { resolved: "project/files.ts", coreModule: false, couldNotResolve: false },
                    { resolved: "fs", coreModule: true, couldNotResolve: false },
                ],
            },
            {
                source: "test/x.test.ts",
                dependencies: [{ resolved: "cli/main.ts", coreModule: false, couldNotResolve: false }],
            },
        ],
    }
    const edges = edgesOf(cruise)
    t.deepEqual(edges, [
        { from: "project", to: "sim", allowed: false },
        { from: "project", to: "src", allowed: true },
    ])
    const svg = layersSvg(edges)
    const boxes = [...svg.matchAll(/font-weight="bold">([a-z]+)\/</g)].map((m) => m[1])
    t.deepEqual(
        boxes,
        LAYERS.map((l) => l.folder),
    )
    t.deepEqual(boxes, ["cli", "testing", "limits", "usb", "sim", "compiler", "project", "formats", "src"])
    t.is((svg.match(/<path d="M[\d.]+,[\d.]+ C/g) ?? []).length, 2)
    t.regex(svg, /stroke="#cc0000"[^>]*><title>project\/ imports sim\/ \(against the layers\)<\/title>/)
    t.regex(svg, /stroke="#555555"[^>]*><title>project\/ imports src\/<\/title>/)
    t.is(layersSvg(edges), svg)
})
