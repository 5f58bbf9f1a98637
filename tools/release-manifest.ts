// Writes the assets of a camscript firmware release: every board's images
// from firmware/build.sh's output (firmware/dist/<board>/manifest.json and
// the files it names) copied as <board>-<file>, and camscript-firmware.json
// listing them with offset, size and SHA-256 (format: docs/hardware.md,
// "Release manifest"). `camscript flash` with no --firmware reads exactly
// this (usb/release-firmware.ts); test/firmware-download.test.ts runs the
// two against each other. For .github/workflows/firmware.yml:
//
//   node --import tsx tools/release-manifest.ts firmware/dist release-assets

import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { readRegularFile } from "../project/files"
import { fromRoot } from "../project/paths"
import { FirmwareError } from "../usb/firmware"
import {
    MAX_RELEASE_MANIFEST_BYTES,
    parseReleaseManifest,
    RELEASE_MANIFEST,
    RELEASE_MANIFEST_FORMAT,
    type ReleaseFile,
} from "../usb/release-firmware"
import { MAX_FIRMWARE_FILE_BYTES } from "../usb/firmware-cache"

interface BuildManifest {
    board?: string
    chip: string
    flash: { offset: number; file: string }[]
}

/** The release assets for every board folder in `dist`, written to `out`; returns the manifest's path. */
export function writeReleaseAssets(dist: string, out: string, version: string): string {
    const boards: Record<string, { chip: string; flash: ReleaseFile[] }> = {}
    mkdirSync(out, { recursive: true })
    for (const id of readdirSync(dist).sort()) {
        const folder = join(dist, id)
        const manifestFile = join(folder, "manifest.json")
        if (!statSync(folder).isDirectory() || !existsSync(manifestFile)) continue
        const m = JSON.parse(readRegularFile(manifestFile, manifestFile, 64 << 10).toString("utf8")) as BuildManifest
        if (m.board !== undefined && m.board !== id)
            throw new FirmwareError(`${manifestFile}: board "${m.board}" is not its folder's name "${id}"`)
        boards[id] = {
            chip: m.chip,
            flash: m.flash.map((f) => {
                const data = readRegularFile(join(folder, f.file), join(folder, f.file), MAX_FIRMWARE_FILE_BYTES)
                const file = `${id}-${f.file}`
                writeFileSync(join(out, file), data)
                return {
                    offset: f.offset,
                    file,
                    size: data.length,
                    sha256: createHash("sha256").update(data).digest("hex"),
                }
            }),
        }
    }
    if (Object.keys(boards).length === 0) throw new FirmwareError(`${dist}: no <board>/manifest.json to release`)
    const manifest = { format: RELEASE_MANIFEST_FORMAT, version, boards }
    // what camscript flash will accept, checked before it is published
    parseReleaseManifest(manifest, RELEASE_MANIFEST)
    const text = `${JSON.stringify(manifest, null, 4)}\n`
    if (text.length > MAX_RELEASE_MANIFEST_BYTES) throw new FirmwareError(`${RELEASE_MANIFEST} is over its size bound`)
    const path = join(out, RELEASE_MANIFEST)
    writeFileSync(path, text)
    return path
}

if (process.argv[1] && /release-manifest\.ts$/.test(process.argv[1])) {
    const [dist, out] = process.argv.slice(2)
    if (!dist || !out) {
        process.stderr.write("usage: node --import tsx tools/release-manifest.ts <firmware/dist> <out-folder>\n")
        process.exit(2)
    }
    const { version } = JSON.parse(readRegularFile(fromRoot("package.json"), "package.json", 1 << 20).toString("utf8"))
    process.stdout.write(`${writeReleaseAssets(dist, out, version)}\n`)
}
