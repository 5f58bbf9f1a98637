// Test files that share one ava worker in `npm test` (test/groups/load.ts).
//
// Each test file run on its own starts a worker thread of its own: ava, tsx,
// and the simulator, jacdac-ts and the VM loaded and warmed up again, about
// 1.3 s of CPU before its first test and more for the JIT to warm up again
// (docs/testing.md, "Test files that share a worker"). The files listed here
// run in five workers instead of eighty-two: their tests are the same tests
// with the same titles, prefixed by their file's name.
//
// A file is listed only when it can share a process: its tests run
// simulations (which take turns on the process's faked timers) or pure
// code, and nothing of it waits on real time, a child process, a socket or
// a serial line (those files run alone, as every file not listed here does,
// so a new test file needs no entry). The lists balance the files'
// measured CPU (the runner's per-file times, about 20 s a group).
//
// Files that wait on the outside world and never simulate were tried as a
// sixth group of their own (6 Dec): quiet it passed, but with two busy
// loops beside the run its hundred tests started their child processes all
// at once, and 23 of them failed with nothing from their children. Alone,
// ava starts at most four files at a time, which bounds that.
"use strict"

module.exports = {
    "group-1": [
        "api-features",
        "boards",
        "colour",
        "connected",
        "duration",
        "ethernet",
        "fast-reconnect",
        "fleet",
        "fleet-upload",
        "fuzz-world",
        "ipv4",
        "keeps-running",
        "messages",
        "misuse-options",
        "output",
        "quiet-timers",
        "register-poll",
        "spec-examples",
        "test-groups",
        "tick-timer",
        "vm-clock",
        "vm-panics",
        "world",
        "world-parse",
    ],
    "group-2": [
        "camera",
        "camera-server-c",
        "cameras",
        "conformance",
        "deep-sleep",
        "enterprise-limits",
        "esp-camera",
        "firmware-deep-sleep",
        "fleet-air",
        "fleet-summary",
        "fleet-world",
        "pathloss",
        "radio",
        "scan-limits",
        "secrets-on-disk",
        "settings",
        "subset",
        "world-repeat",
    ],
    "group-3": [
        "access-point",
        "air",
        "camera-model",
        "gc-heap",
        "limits",
        "limits-bytecode",
        "login-server",
        "radio-model",
        "soak",
        "station-entry",
        "upload",
        "upload-heap",
        "validators",
        "world-events",
    ],
    "group-4": [
        "api-misuse",
        "board-build",
        "camera-heap",
        "contract-fields",
        "dhcp-lease",
        "enterprise",
        "failure-modes",
        "fault-matrix",
        "firmware-threads",
        "fuzz-driver",
        "library-trim",
        "limits-mutants",
        "phone-join",
        "retry-timing",
        "scenarios",
        "upload-tools",
        "world-servers",
        "world-text",
    ],
    "group-5": ["board-choice", "fleet-scenarios", "json-lines", "realtime", "stamps", "suggestions"],
}
