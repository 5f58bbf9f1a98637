import test, { type Implementation } from "ava"
import { appendFileSync } from "node:fs"
import { basename } from "node:path"
import {
    isPresent,
    missingParts,
    OUTSIDE_PROGRAMS,
    type ProgramId,
    SETUP_COMMAND,
    underCi,
} from "../../tools/outside-programs"

// The one rule for tests that need a program from outside Node and npm
// (tools/outside-programs.ts lists them): where it is installed the test
// runs; where it is missing the test is skipped, never passed, and recorded
// for the suite's closing line (tools/suite.mjs prints what was skipped and
// `npm run setup`); under CI, which installs them all, it fails instead.

/** Where the suite runner collects the skipped tests (one JSON line each). */
const SKIPS_FILE_ENV = "CAMSCRIPT_SUITE_SKIPS"

type Declare = (title: string, implementation: Implementation<[]>) => void

/** What is missing for `ids`, as a sentence ("socat (pseudo-terminal pairs ...)"), or undefined. */
function missingText(ids: ProgramId[]): string | undefined {
    const parts = ids
        .filter((id) => !isPresent(id))
        .map((id) => `${missingParts(id).join(", ")} (${OUTSIDE_PROGRAMS[id].usedFor})`)
    return parts.length ? parts.join("; ") : undefined
}

/**
 * `declare` (test, test.serial) when `ids` are all installed; otherwise a
 * declaration that skips the test (outside CI) or fails it (under CI),
 * saying which program is missing and how to install it.
 */
export function needs(ids: ProgramId | ProgramId[], declare: Declare = test): Declare {
    const list = typeof ids === "string" ? [ids] : ids
    const missing = list.filter((id) => !isPresent(id))
    if (missing.length === 0) return declare
    const what = missingText(missing)!
    if (underCi())
        return (title) =>
            declare(title, (t) => {
                t.fail(`${what} is not installed; CI must install every outside program: ${SETUP_COMMAND}`)
            })
    return (title, implementation) => {
        const file = process.env[SKIPS_FILE_ENV]
        if (file)
            appendFileSync(file, JSON.stringify({ file: basename(test.meta.file), title, programs: missing }) + "\n")
        test.skip(`${title} [needs ${missing.join(", ")}: ${SETUP_COMMAND}]`, implementation)
    }
}
