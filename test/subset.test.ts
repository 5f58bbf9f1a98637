import test from "ava"
import { runScript } from "./helpers/run"

// The TypeScript the DeviceScript compiler accepts but its VM runs wrongly is
// refused at compile time (compiler/subset.ts), at the script's line, with
// what to write instead; the same constructs on things that are not arrays,
// which the VM runs correctly, still compile and run.

const refused = async (source: string) => {
    const err = await runScript(source).then(
        () => undefined,
        (e: Error) => e,
    )
    if (!err) throw new Error("the script compiled")
    return err.message
}

test("setting an array's length is refused at its line, with what to write instead", async (t) => {
    const message = await refused('const a = ["a"]\nconst n = 1\na.length = 0\nconsole.log(a.length, n)\n')
    t.regex(message, /\.ts\(3,1\): error TS9201: a\.length cannot be set/)
    t.regex(message, /assign a new array \('a = \[\]'\)/)
    t.regex(message, /'while \(a\.length > n\) a\.pop\(\)'/)
})

test("compound assignments and ++/-- on an array's length are refused too", async (t) => {
    const message = await refused("const b = [1, 2, 3]\nb.length -= 1\nb.length--\n++b.length\nconsole.log(b.length)\n")
    t.regex(message, /\(2,1\): error TS9201: b\.length cannot be set/)
    t.regex(message, /\(3,1\): error TS9201: b\.length cannot be set/)
    t.regex(message, /\(4,3\): error TS9201: b\.length cannot be set/)
})

test("delete on an array element is refused; the message names the array and the index", async (t) => {
    const message = await refused("const b = [1, 2, 3]\nconst i = 1\ndelete b[i]\nconsole.log(b.length)\n")
    t.regex(message, /\(3,1\): error TS9201: delete on an array element does nothing/)
    t.regex(message, /'b = b\.filter\(\(_, j\) => j !== i\)'/)
})

test("for...in over an array is refused at the array expression", async (t) => {
    const message = await refused("const b = [7, 8]\nfor (const k in b) console.log(k)\n")
    t.regex(message, /\(2,17\): error TS9201: for\.\.\.in over an array stops the DeviceScript VM/)
    t.regex(message, /'for \(const x of b\)'/)
})

test("console.log takes 7 arguments; the 8th is refused by name instead of the compiler's bare assertion", async (t) => {
    const ok = await runScript('console.log("r", 2, 3, 4, 5, 6, 7)\n')
    t.deepEqual(ok.lines, ["r 2 3 4 5 6 7"])
    const message = await refused('const x = 1\nconsole.warn("r", 2, 3, 4, 5, 6, 7, x)\n')
    t.regex(
        message,
        /\(2,1\): error TS9201: console\.warn\(\) takes at most 7 arguments on DeviceScript \(this call has 8\)/,
    )
    t.notRegex(message, /Assertion failed/)
})

test("arrays in unions and readonly arrays count as arrays", async (t) => {
    const message = await refused(
        "const a: number[] | undefined = [1]\na.length = 0\nconst r: readonly number[] = [1]\nfor (const k in r) console.log(k)\n",
    )
    t.regex(message, /\(2,1\): error TS9201/)
    t.regex(message, /\(4,17\): error TS9201/)
})

test("the same constructs on objects that are not arrays compile and run as JavaScript's", async (t) => {
    const run = await runScript(
        [
            "const o = { length: 3, x: 1, y: 2 }",
            "o.length = 1",
            "o.length++",
            'delete (o as any)["x"]',
            "const keys: string[] = []",
            "for (const k in o) keys.push(k)",
            "const a = [1, 2]",
            'console.log("result", o.length, keys.join(","), a.length)',
        ].join("\n"),
    )
    t.is(run.outcome, "finished", run.error)
    t.true(run.lines.includes("result 2 length,y 2"), run.lines.join("\n"))
})

test("a type error is reported first; the subset check waits until the types are right", async (t) => {
    const message = await refused('const a = ["a"]\nconst n: number = "x"\na.length = 0\n')
    t.regex(message, /\(2,7\): error TS2322/)
    t.notRegex(message, /TS9201/)
})
