// A stand-in for ava, for `npm run mutate` only (tools/mutation-run.cjs).
// Stryker starts the tests once per mutant; real ava spends seconds per
// start on worker threads and per-file set-up, which made one pass over
// sim/world take hours here. This runs the same test files in one process:
// it implements just the part of ava's API those files use, with the same
// meaning (docs/testing.md). Anything else it does not know throws, so a
// test relying on more fails Stryker's initial run instead of passing quietly.
"use strict"
const { isDeepStrictEqual, inspect } = require("node:util")

const files = []
let current

function newFile(name) {
    current = { name, serial: [], concurrent: [], before: [], after: [] }
    files.push(current)
}

class AssertionError extends Error {
    constructor(message) {
        super(message)
        this.name = "AssertionError"
    }
}

const show = (v) => inspect(v, { depth: 6, breakLength: 120 })

function fail(what, message) {
    throw new AssertionError(message ? `${what} (${message})` : what)
}

/** ava's `like`: every property of the selector is compared, objects recursively; arrays as a whole. */
function like(actual, selector, path) {
    for (const [k, want] of Object.entries(selector)) {
        const got = actual == null ? undefined : actual[k]
        if (want !== null && typeof want === "object" && Object.getPrototypeOf(want) === Object.prototype) {
            if (got === null || typeof got !== "object") return `${path}.${k} is ${show(got)}, not an object`
            const inner = like(got, want, `${path}.${k}`)
            if (inner) return inner
        } else if (!isDeepStrictEqual(got, want)) return `${path}.${k}: ${show(got)} is not ${show(want)}`
    }
    return undefined
}

function checkError(err, exp, message) {
    if (!(err instanceof Error)) fail(`threw a non-error ${show(err)}`, message)
    if (exp === undefined || exp === null) return err
    if (exp.instanceOf && !(err instanceof exp.instanceOf))
        fail(`error ${show(err)} is not an instance of ${exp.instanceOf.name}`, message)
    if (exp.message !== undefined) {
        const ok =
            typeof exp.message === "string"
                ? err.message === exp.message
                : exp.message instanceof RegExp
                  ? exp.message.test(err.message)
                  : exp.message(err.message)
        if (!ok) fail(`error message ${show(err.message)} does not match ${show(exp.message)}`, message)
    }
    if (exp.name !== undefined && err.name !== exp.name) fail(`error name ${err.name} is not ${exp.name}`, message)
    if (exp.code !== undefined && err.code !== exp.code) fail(`error code ${err.code} is not ${exp.code}`, message)
    if (exp.is !== undefined && err !== exp.is) fail("not the expected error", message)
    for (const k of Object.keys(exp))
        if (!["instanceOf", "message", "name", "code", "is"].includes(k))
            throw new Error(`throws: unknown expectation ${k}`)
    return err
}

function assertions(title, teardowns = []) {
    return {
        title,
        // ava's teardown: run once the test is over, pass or fail, the last registered first
        teardown: (fn) => void teardowns.unshift(fn),
        pass() {},
        fail: (message) => fail("t.fail()", message),
        is: (a, b, m) => Object.is(a, b) || fail(`${show(a)} is not ${show(b)}`, m),
        not: (a, b, m) => !Object.is(a, b) || fail(`${show(a)} is ${show(b)}`, m),
        deepEqual: (a, b, m) => isDeepStrictEqual(a, b) || fail(`${show(a)}\n  is not deeply equal to\n${show(b)}`, m),
        notDeepEqual: (a, b, m) => !isDeepStrictEqual(a, b) || fail(`${show(a)} is deeply equal to ${show(b)}`, m),
        like: (a, selector, m) => {
            const problem = like(a, selector, "value")
            if (problem) fail(problem, m)
        },
        true: (v, m) => v === true || fail(`${show(v)} is not true`, m),
        false: (v, m) => v === false || fail(`${show(v)} is not false`, m),
        truthy: (v, m) => !!v || fail(`${show(v)} is not truthy`, m),
        falsy: (v, m) => !v || fail(`${show(v)} is not falsy`, m),
        regex: (s, re, m) => re.test(s) || fail(`${show(s)} does not match ${re}`, m),
        notRegex: (s, re, m) => !re.test(s) || fail(`${show(s)} matches ${re}`, m),
        throws(fn, exp, m) {
            try {
                fn()
            } catch (err) {
                return checkError(err, exp, m)
            }
            fail("the function did not throw", m)
        },
        async throwsAsync(thrower, exp, m) {
            try {
                await (typeof thrower === "function" ? thrower() : thrower)
            } catch (err) {
                return checkError(err, exp, m)
            }
            fail("the promise did not reject", m)
        },
        notThrows(fn, m) {
            try {
                fn()
            } catch (err) {
                fail(`threw ${show(err)}`, m)
            }
        },
        async notThrowsAsync(thrower, m) {
            try {
                await (typeof thrower === "function" ? thrower() : thrower)
            } catch (err) {
                fail(`rejected with ${show(err)}`, m)
            }
        },
    }
}

function test(title, fn) {
    current.concurrent.push({ title, fn })
}
test.serial = (title, fn) => current.serial.push({ title, fn })
test.skip = () => undefined
test.serial.skip = () => undefined
test.before = (fn) => current.before.push(fn)
test.after = (fn) => current.after.push(fn)
test.after.always = (fn) => current.after.push(fn)
for (const unsupported of ["only", "todo", "failing", "beforeEach", "afterEach", "macro"])
    test[unsupported] = () => {
        throw new Error(`tools/mutation-ava.cjs does not implement test.${unsupported}`)
    }

async function runOne(file, t) {
    const teardowns = []
    try {
        await t.fn(assertions(t.title, teardowns))
    } catch (err) {
        err.testTitle = `${file.name} › ${t.title}`
        throw err
    } finally {
        for (const fn of teardowns) await fn()
    }
}

/**
 * Run every registered file: hooks, serial tests in order, then the others
 * together (as ava does). `skip`: regular expressions of titles left out.
 */
async function runAll(skip = []) {
    let passed = 0
    const kept = (t) => !skip.some((re) => re.test(t.title))
    for (const file of files) {
        file.serial = file.serial.filter(kept)
        file.concurrent = file.concurrent.filter(kept)
        try {
            for (const b of file.before) await b(assertions("before"))
            for (const t of file.serial) {
                await runOne(file, t)
                passed++
            }
            await Promise.all(file.concurrent.map((t) => runOne(file, t).then(() => passed++)))
        } finally {
            for (const a of file.after) await a(assertions("after"))
        }
    }
    return passed
}

module.exports = test
module.exports.default = test
module.exports.newFile = newFile
module.exports.runAll = runAll
