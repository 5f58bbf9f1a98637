// The areas `npm run mutate` tests, each with the test files that import its
// modules directly (fast: no bytecode, no child process running dist/).
// `skip`: titles (ava --match globs) of tests in those files that spawn the
// dist bundle: they never load the sandbox's mutated modules, so they only
// cost time.
export const AREAS = {
    radio: {
        mutate: ["sim/radio/*.ts"],
        tests: ["test/radio.test.ts", "test/fleet-air.test.ts", "test/air.test.ts", "test/pathloss.test.ts"],
    },
    net: {
        mutate: ["sim/net/*.ts"],
        tests: ["test/dhcp-lease.test.ts", "test/sockets.test.ts"],
    },
    login: {
        mutate: ["sim/login/*.ts"],
        tests: ["test/radius.test.ts", "test/login-server.test.ts", "test/radius-packets.test.ts"],
    },
    world: {
        mutate: ["sim/world/*.ts"],
        tests: [
            "test/world.test.ts",
            "test/world-events.test.ts",
            "test/fleet-world.test.ts",
            "test/world-files.test.ts",
        ],
        skip: ["*exit* 2*"],
    },
}
