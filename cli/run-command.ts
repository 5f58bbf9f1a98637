import { type Command, UsageError } from "./board-command"
import { deployInput } from "./deploy-command"
import { parseForDuration } from "./monitor-command"
import { RUN_FINISHED_LINE } from "../compiler/compile"
import { ConsoleLines } from "../usb/console-lines"
import { followUntil } from "../usb/monitor"
import { crashSummary } from "../usb/restarts"

// `camscript run script.ts`: as `mpremote run`, the script runs on the board
// and its output is shown until it has finished. DeviceScript's runtime
// cannot run a program from RAM: its manager writes every program to the
// flash store before starting it (devicescript runtime/devicescript/
// devsmgr.c devsmgr_deploy_start, jd_settings_prep_large("*prog")), and the
// host-side devs_client_deploy that runs one directly exists only in the
// posix/WebAssembly builds (runtime/posix/main.c), not on the ESP32. So run
// deploys the script, built to print one line once its top level has
// returned and nothing is pending (compiler/compile.ts RUN_FINISHED_LINE),
// follows the console on the deploy's connection, and ends there.

/** Lines of a crash keep coming for a moment after its first: the run ends once they are in. */
const CRASH_TAIL_MS = 500

export const runOnBoardCommand: Command = {
    name: "run",
    summary: "run a script on the board and show its output until it finishes (as mpremote run)",
    usage: `usage: camscript run <script.ts> [--port DEVICE] [--board ID] [--firmware camscript|stock] [--secret KEY=VALUE]... [--timeout DURATION] [--timestamps]

Runs <script.ts> on the board and shows its output until the script has
finished: its top level returned and no on_change handler or timer of it
is left (as \`camscript sim\` decides). Ctrl-C leaves earlier.

The board's DeviceScript runtime cannot run a program from RAM (its manager
writes every program to flash before it starts it), so run deploys the
script as \`camscript deploy\` does, built to say on its console when it has
finished, and follows that console. The program stays on the board: it runs
again at the board's next reset, until another is deployed.

Exit: 0 the script finished; 1 it crashed (the run ends at the first crash,
which the runtime would restart 5 s later) or the board went away; 124
--timeout passed first.

  --port DEVICE      the board's serial port (default: found by USB vendor, as deploy)
  --board ID         the board to build for (default: devicescript.json "board")
  --firmware KIND    the runtime the board has: camscript (default) or stock
  --secret KEY=VALUE a setting written before the program starts, as deploy's
  --timeout DURATION stop following after DURATION (e.g. 30s, 5m; default: no limit)
  --timestamps       each line stamped with the seconds since the start
`,
    options: {
        port: { type: "string" },
        board: { type: "string" },
        firmware: { type: "string" },
        secret: { type: "string", multiple: true },
        timeout: { type: "string" },
        timestamps: { type: "boolean" },
    },
    async run(values, positionals) {
        if (positionals.length !== 1)
            throw new UsageError(
                positionals.length ? `run takes one script, got ${positionals.length}` : "run needs a script (.ts)",
            )
        const input = positionals[0]
        if (!input.endsWith(".ts"))
            throw new UsageError(
                `run takes a script (.ts), built to say when it finishes; a built image runs with camscript deploy ${input} --monitor`,
            )
        const timeoutMs = parseForDuration(values.timeout)
        const { program, result, path, attach } = await deployInput(values, input, { keepOpen: true, purpose: "run" })
        const link = result.link!
        const began = Date.now()
        let finished = false
        let crashedAt: number | undefined
        const lines = new ConsoleLines({
            program,
            deployed: true,
            timestamps: values.timestamps === true,
            print: (l) => process.stdout.write(`${l}\n`),
            finishedLine: RUN_FINISHED_LINE,
            finished: () => (finished = true),
        })
        attach(lines)
        const stopped = await followUntil(timeoutMs, () => {
            if (crashedAt === undefined && lines.restarts.crashes.length) crashedAt = Date.now()
            return link.lost || finished || (crashedAt !== undefined && Date.now() - crashedAt >= CRASH_TAIL_MS)
        })
        lines.flush()
        await link.close()
        const crash = crashSummary(lines.restarts, Date.now() - began)
        if (crash) {
            process.stderr.write(`camscript run: ${crash}\n`)
            return 1
        }
        if (finished) {
            process.stderr.write(
                `camscript run: the script finished (${((Date.now() - began) / 1000).toFixed(1)} s); it stays on the board and runs again at its next reset\n`,
            )
            return 0
        }
        if (stopped === "lost") {
            process.stderr.write(`camscript run: the board's port ${path} closed: unplugged or reset?\n`)
            return 1
        }
        if (timeoutMs !== undefined && Date.now() - began >= timeoutMs) {
            process.stderr.write(`camscript run: --timeout passed; the script is still running on the board\n`)
            return 124
        }
        // Ctrl-C
        return 0
    },
}
