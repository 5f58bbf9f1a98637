/**
 * The layers of camscript, written down once, top to bottom. Each top-level
 * folder may import itself and the folders in its `uses`; anything else is an
 * upward (or sideways) import and fails `npm test` with the rule it breaks
 * (.dependency-cruiser.cjs turns this list into rules). tools/layers-svg.ts
 * draws docs/architecture-layers.svg in this order, `holds` beside each box.
 *
 * test/, bench/, tools/, bin/ and examples/ (OUTSIDE) stand outside the
 * layers: they may use any of them (no-circular still applies to them). Code
 * in any other top-level folder fails the in-a-layer rule.
 */
const LAYERS = [
    { folder: "cli", uses: ["usb", "sim", "compiler", "project"], holds: "the command line: a file per command" },
    { folder: "testing", uses: ["sim", "compiler", "project"], holds: "the public camscript/testing API" },
    {
        folder: "limits",
        uses: ["usb", "sim", "compiler", "project", "formats", "src"],
        holds: "the table of every limit, its probes",
    },
    { folder: "usb", uses: ["compiler", "project", "formats"], holds: "the host side of the board link" },
    {
        folder: "sim",
        uses: ["compiler", "project", "formats", "src"],
        holds: "the simulated world, its drivers, the VM",
    },
    { folder: "compiler", uses: ["project", "formats"], holds: "compile, cache, build shortcuts, source maps" },
    { folder: "project", uses: ["src"], holds: "settings, boards, files, paths, validators" },
    { folder: "formats", uses: [], holds: "wire formats both ends share" },
    { folder: "src", uses: [], holds: "the bytecode library (DeviceScript): all policy" },
]

/** The folders that use the layers from outside: they may import any of them. */
const OUTSIDE = ["test", "bench", "tools", "bin", "examples"]

/** Files at the top of the repository that a layer may use besides folders. */
const ROOT_FILES = { testing: ["testing\\.d\\.ts"] }

module.exports = { LAYERS, OUTSIDE, ROOT_FILES }
