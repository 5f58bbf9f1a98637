/**
 * dependency-cruiser's rules for camscript: the layers (written down once in
 * tools/layers.cjs, which also orders the picture in
 * docs/architecture-layers.svg), no cycles, and src/ kept to bytecode.
 * `npm run lint:layers` runs it; `npm test` runs that first.
 */
const { LAYERS, ROOT_FILES } = require("./tools/layers.cjs")

const layerRules = LAYERS.map(({ folder: layer, uses }) => {
    const allowed = [`${layer}/`, ...uses.map((u) => `${u}/`), ...(ROOT_FILES[layer] ?? [])]
    return {
        name: uses.length > 0 ? `${layer}-uses-only-${uses.join("-")}` : `${layer}-uses-nothing`,
        comment:
            `${layer}/ may import only ` +
            (uses.length > 0 ? uses.map((u) => `${u}/`).join(", ") : "itself") +
            " (the layers are in tools/layers.cjs; see docs/architecture.md)",
        severity: "error",
        from: { path: `^${layer}/` },
        to: {
            pathNot: `^(${allowed.join("|")})`,
            dependencyTypesNot: [
                "core",
                "npm",
                "npm-dev",
                "npm-optional",
                "npm-peer",
                "npm-bundled",
                "npm-no-pkg",
                "npm-unknown",
            ],
            couldNotResolve: false,
        },
    }
})

module.exports = {
    forbidden: [
        ...layerRules,
        {
            name: "no-circular",
            comment:
                "no file may import one that imports it back, directly or through others: split what both need into a file below them",
            severity: "error",
            from: {},
            to: { circular: true },
        },
        {
            name: "src-is-bytecode",
            comment:
                "src/ is compiled by DeviceScript: it may import only src/ and @devicescript/*, never Node's modules or npm packages",
            severity: "error",
            from: { path: "^src/" },
            to: { pathNot: "^src/|^@devicescript/" },
        },
        {
            name: "no-unresolvable",
            comment:
                "an import that resolves to nothing (only @devicescript/* is resolved by the DeviceScript compiler instead)",
            severity: "error",
            from: {},
            to: { couldNotResolve: true, pathNot: "^@devicescript/" },
        },
    ],
    options: {
        // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc parses TypeScript
        parser: "swc",
        tsConfig: { fileName: "tsconfig.json" },
        tsPreCompilationDeps: true,
        doNotFollow: { path: "^node_modules" },
        exclude: { path: "^(node_modules|dist|test/scripts)/" },
    },
}
