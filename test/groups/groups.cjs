// Test files that share one ava worker in `npm test` (test/groups/load.ts).
//
// Each test file run on its own starts a worker thread of its own: ava, tsx,
// and the simulator, jacdac-ts and the VM loaded and warmed up again, about
// 1.3 s of CPU before its first test and more for the JIT to warm up again
// (docs/testing.md, "Test files that share a worker"). The files listed here
// run in six workers instead of ninety-four: their tests are the same
// tests with the same titles, prefixed by their file's name.
//
// A file is listed only when it can share a process, in one of two kinds of
// group, never mixed:
// - group-1 to group-5: files whose tests run simulations (which take turns
//   on the process's faked timers) or pure code, and nothing of which waits
//   on real time, a child process, a socket or a serial line. Their lists
//   balance the files' measured CPU (the runner's per-file times, about 20 s
//   a group).
// - outside: files that wait on the world outside the process (child
//   processes, the C builds, sockets) and never simulate in this process,
//   so nothing fakes the clock under their waits; none of them runs its
//   tests one at a time (test.serial), so sharing a worker makes none of
//   them wait for another (test/test-groups.test.ts checks both). A file
//   whose waits are short real-time deadlines (radius-packets' retries of
//   a few hundred ms) stays alone: beside the C builds it missed them.
// Every other file runs alone, so a new test file needs no entry: the
// serial ones (the virtual boards, install), and those that simulate while
// they wait on a socket or a child.
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
    outside: [
        "build-cache",
        "cli",
        "cli-driver",
        "firmware",
        "firmware-build",
        "firmware-module",
        "firmware-stack",
        "flash-checks",
        "fleet-cli",
        "serial-path",
        "upload-driver",
        "world-files",
    ],
}
