import test from "ava"
import { needs } from "./helpers/needs"
import { tempDir } from "./helpers/cleanup"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { camscript, ptyPair, virtualBoard } from "./helpers/pty-pair"

// `camscript deploy --secret`: after the upload and before the program starts,
// the secret goes into the board's settings store over its Jacdac settings
// service (jacdac-ts's SettingsClient, as DeviceScript's own deploy does), so
// the program's first settings.get finds it. The board is `camscript
// virtual-board` behind a socat pty pair, in real time.

const serial = needs("socat", test.serial)

const SECRET = "deployed-Secret-pw"

serial("deploy --secret: the program reads the secret at its start; the secret is printed nowhere", async (t) => {
    const dir = tempDir("camscript-deploy-secret-")
    const script = join(dir, "reads-secret.ts")
    writeFileSync(
        script,
        `import { settings } from "camscript"
const v: string = await settings.get("wifi_pass", "")
let sum = 0
for (let i = 0; i < v.length; i++) sum += v.charCodeAt(i)
console.log("secret " + v.length + " " + sum)
`,
    )
    const pty = await ptyPair()
    const vb = await virtualBoard("--port", pty.board)
    try {
        const r = await camscript(
            "deploy",
            script,
            "--port",
            pty.host,
            "--secret",
            `wifi_pass=${SECRET}`,
            "--monitor",
            "--for",
            "4s",
        )
        const all = r.stdout + r.stderr + vb.notes()
        t.is(r.code, 0, all.slice(-800))
        t.regex(r.stdout, /^wrote 1 secret\(s\) to the board's settings: wifi_pass$/m)
        const sum = [...SECRET].reduce((a, c) => a + c.charCodeAt(0), 0)
        t.regex(r.stdout, new RegExp(`^secret ${SECRET.length} ${sum}$`, "m"))
        t.false(all.includes(SECRET))
    } finally {
        await vb.stop()
        pty.stop()
    }
})

test("deploy refuses a bad --secret before it looks for a board", async (t) => {
    const r = await camscript(
        "deploy",
        "examples/wifi-station.ts",
        "--secret",
        "no-equals-hunter2",
        "--port",
        "/dev/null",
    )
    t.is(r.code, 2)
    t.regex(r.stderr, /^camscript deploy: --secret takes KEY=VALUE; the argument given has no "="\n/)
    t.false(r.stderr.includes("hunter2"))
})
