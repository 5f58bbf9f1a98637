/**
 * The layers of camscript, written down once. Each top-level folder may import itself and
 * the folders listed for it; everything else is an upward (or sideways)
 * import and fails `npm test` naming the rule it breaks. The order, top to
 * bottom, is the order of this object; tools/layers-svg.ts draws the picture
 * in docs/architecture-layers.svg from the same list.
 *
 * test/, bench/, tools/, bin/ and examples/ stand outside the layers: they
 * may use any of them (no-circular still applies to them).
 */
const LAYERS = {
    // the command line: one file per command, args, help, colour, report page
    cli: ["usb", "sim", "compiler", "project"],
    // the public camscript/testing API (its types are ./testing.d.ts)
    testing: ["sim", "compiler", "project"],
    // the table of every limit and its probes
    limits: ["sim", "compiler", "project", "src"],
    // the host side of the board link: deploy, flash, monitor, ports
    usb: ["compiler", "project", "formats"],
    // the simulated world only
    sim: ["compiler", "project", "formats", "src"],
    // compile, cache, build shortcuts, source maps
    compiler: ["project"],
    // settings, boards, files, paths, validators, text helpers
    project: ["src"],
    // wire formats both sides share
    formats: [],
    // the bytecode library, compiled by DeviceScript: imports no host folder
    src: [],
}

module.exports = { LAYERS }
