import test from "ava"
import { needs } from "./helpers/needs"
import { camscript, ptyPair, stopEverything, virtualBoard } from "./helpers/pty-pair"

// `camscript run script.ts` on the virtual board: the output until the
// script has finished (exit 0), the first crash (exit 1), or --timeout (124).

const serial = needs("socat", test.serial)
test.after.always(stopEverything)

serial(
    "run: output until the script finishes, the first crash ends it, --timeout ends a script that never does",
    async (t) => {
        const pty = await ptyPair()
        const vb = await virtualBoard("--port", pty.board)
        try {
            const done = await camscript("run", "test/scripts/counts-then-ends.ts", "--port", pty.host)
            t.is(done.code, 0, done.stderr)
            // the line the image prints to say it finished is not shown
            t.regex(done.stdout, /^top level done\ntick 1\ntick 2\ntick 3\n$/m)
            t.notRegex(done.stdout, /camscript run: the script finished/)
            t.regex(
                done.stderr,
                /camscript run: the script finished \([\d.]+ s\); it stays on the board and runs again at its next reset/,
            )

            const crash = await camscript("run", "test/scripts/crash-loop.ts", "--port", pty.host)
            t.is(crash.code, 1, crash.stderr)
            t.regex(crash.stdout, /^starting\n! Error: boom\n {4}at main \(test\/scripts\/crash-loop\.ts:7:1\)\n$/m)
            t.notRegex(crash.stdout, /restart/, "ended at the first crash, before the runtime restarts it")
            t.regex(
                crash.stderr,
                /camscript run: the program crashed once in the [\d.]+ s watched \(Error: boom at main/,
            )

            // a JD_ASSERT inside the VM: the board prints it and panics; the restart is marked with it
            const asserted = await camscript("run", "test/scripts/vm-assertion.ts", "--port", pty.host)
            t.is(asserted.code, 1, asserted.stderr)
            t.regex(asserted.stdout, /^ {2}chip: assertion '.*' failed at devicescript\/objects\.c:\d+ in \w+$/m)
            t.regex(asserted.stdout, /^ {2}chip: HW PANIC!$/m)
            t.regex(
                asserted.stderr,
                /the program crashed once .*\(the runtime failed an internal assertion at devicescript\/objects\.c:\d+\)/,
            )
        } finally {
            await vb.stop()
            pty.stop()
        }
        // a board of its own: the one above is now in a crash loop (the asserting program runs again at
        // every restart), and a deploy must land between two panics; on a loaded machine it missed them
        const pty2 = await ptyPair()
        const vb2 = await virtualBoard("--port", pty2.board)
        try {
            const forever = await camscript(
                "run",
                "test/scripts/ticks-forever.ts",
                "--port",
                pty2.host,
                "--timeout",
                "2s",
            )
            t.is(forever.code, 124, forever.stderr)
            t.regex(forever.stdout, /^tick$/m)
            t.regex(forever.stderr, /--timeout passed; the script is still running on the board/)
        } finally {
            await vb2.stop()
            pty2.stop()
        }
    },
)

test("run takes a script, not a built image; one script only", async (t) => {
    const image = await camscript("run", "x.devs")
    t.is(image.code, 2)
    t.regex(image.stderr, /run takes a script \(\.ts\).*camscript deploy x\.devs --monitor/)
    const two = await camscript("run", "a.ts", "b.ts")
    t.is(two.code, 2)
    t.regex(two.stderr, /run takes one script, got 2/)
})
