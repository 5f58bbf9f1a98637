// The host side of the table: the files and durations the `camscript`
// command reads, each probed through the reader that enforces it.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as L from "../src/limits"
import { MAX_DURATION_MS, parseDuration } from "../project/duration"
import { MAX_WORLD_FILE_BYTES, readRegularFile } from "../sim/world/world-text"
import { MAX_SOURCE_BYTES, readSourceFile } from "../compiler/compile"
import { loadFlashFile, MAX_FLASH_BYTES } from "../sim/flash-file"
import { projectSettings } from "../project/settings"
import { devsImageProblem, emptyDevsImage } from "../formats/devs-image"
import { DEPLOY_ALIGN, largestImage, RUNTIMES, runtimeRule } from "../project/runtime"
import { SECRETS_FILE_MAX_BYTES } from "../project/secrets"
import type { Limit } from "./limit"

export const HOST: Limit[] = [
    {
        id: "secrets-file",
        side: "host",
        where: 'the secrets file (devicescript.json "secrets")',
        kind: "size",
        max: L.SETTINGS_STORE_BYTES,
        unit: "bytes",
        why: "its secrets go into the board's settings store, about 16 KB for all keys (jd_fstor.c: 1/16 of the 256 KB fstor partition)",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => readRegularFile(f, "the secrets file", SECRETS_FILE_MAX_BYTES)),
    },
    {
        id: "duration",
        side: "host",
        where: "--timeout, --run-for, and every duration in a world",
        kind: "number",
        min: 0,
        max: MAX_DURATION_MS,
        unit: "milliseconds of simulated time (10 years at most)",
        why: "longer is a typo, not a soak: refused rather than shortened",
        says: "duration",
        check: (v) => void parseDuration(v as number | string),
        allowed: ["3650d", "0ms"],
        refused: ["3651d", "-1ms", "1y"],
    },
    {
        id: "world-file",
        side: "host",
        where: "--world FILE",
        kind: "size",
        max: MAX_WORLD_FILE_BYTES,
        unit: "bytes",
        why: "a world is a floor plan, not a data dump: a bigger file is the wrong file",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => readRegularFile(f, "the world file")),
    },
    {
        id: "settings-hostname",
        side: "host",
        where: "devicescript.json network.hostname",
        kind: "chars",
        min: L.HOSTNAME_MIN_CHARS,
        max: L.HOSTNAME_MAX_CHARS,
        unit: "letters, digits or '-', not starting or ending with '-'",
        why: "the hostname every interface starts with: the same check as wlan.config({ hostname })",
        says: "1..32 letters, digits or '-'",
        check: (v) =>
            void withFolder((dir) => {
                writeFileSync(join(dir, "devicescript.json"), JSON.stringify({ network: { hostname: v } }))
                projectSettings(dir)
            }),
        allowed: ["cam-1", "A9"],
        refused: ["-cam", "cam-", "cam_1", "cam.1"],
    },
    {
        id: "flash-file",
        side: "host",
        where: "camscript sim --flash FILE",
        kind: "size",
        max: MAX_FLASH_BYTES,
        unit: "bytes",
        why: "a board's flash is 4 MB at most",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => loadFlashFile(f)),
    },
    {
        id: "script-file",
        side: "host",
        where: "camscript sim / build SCRIPT",
        kind: "size",
        max: MAX_SOURCE_BYTES,
        unit: "bytes",
        why: "a camera script, not a generated bundle",
        says: "the limit is",
        check: (v) => void withFile(v as string, (f) => readSourceFile(f)),
    },
    {
        id: "program-image",
        side: "host",
        where: "camscript build / sim / deploy: the compiled image",
        kind: "whole",
        max: largestImage(RUNTIMES.camscript) / DEPLOY_ALIGN,
        unit: `blocks of ${DEPLOY_ALIGN} bytes (225,152 bytes: the board runtime's program store, project/runtime.ts)`,
        why: "DeviceScript 2.16's store keeps 128 + size bytes in at most 55 pages of 4 KB; a larger image is ignored or panics the board",
        says: "program store",
        boundInMessage: false,
        check: (v) => {
            if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
                throw new Error(
                    `an image for the program store is a whole number of ${DEPLOY_ALIGN}-byte blocks, not ${String(v)}`,
                )
            const size = v * DEPLOY_ALIGN
            const problem = devsImageProblem(
                emptyDevsImage(size, RUNTIMES.camscript.version),
                runtimeRule(RUNTIMES.camscript),
            )
            if (problem) throw new Error(problem)
        },
        allowed: [4, 1000],
    },
]

/** Runs `use` in a temporary folder, removed after. */
function withFolder(use: (dir: string) => void) {
    const dir = mkdtempSync(join(tmpdir(), "camscript-limit-"))
    try {
        use(dir)
    } finally {
        rmSync(dir, { recursive: true, force: true })
    }
}

/** Runs `read` on a temporary file holding `text`. */
function withFile(text: string, read: (file: string) => unknown) {
    withFolder((dir) => {
        const file = join(dir, "probe.ts")
        writeFileSync(file, text)
        read(file)
    })
}
