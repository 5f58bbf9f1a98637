// The areas `npm run mutate` tests, each with the test files that import its
// modules directly (fast: no bytecode, no child process running dist/).
// `skip`: title globs (as ava's --match '!glob') of tests in those files left
// out per mutant, each with its reason (docs/testing.md).
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
        // test/radius.test.ts (a real FreeRADIUS) is left out: starting the server costs about 2 s
        // a mutant, and test/radius-packets.test.ts checks the same packets byte by byte
        tests: ["test/login-server.test.ts", "test/radius-packets.test.ts"],
    },
    world: {
        mutate: ["sim/world/*.ts"],
        tests: [
            "test/world.test.ts",
            "test/world-events.test.ts",
            "test/fleet-world.test.ts",
            "test/world-files.test.ts",
            "test/world-parse.test.ts",
            "test/world-text.test.ts",
            "test/ipv4.test.ts",
            "test/duration.test.ts",
            "test/cameras.test.ts",
            // the air applies the world's AIR_ACTIONS
            "test/air.test.ts",
        ],
        // the CLI-spawning tests, and the bulk ones (a 4 MB file, 4096 access points, 1024 cameras)
        // that take tens of seconds under Stryker's instrumentation; their edges are probed directly
        // in test/world-text.test.ts, test/world-parse.test.ts and test/cameras.test.ts
        skip: ["*exit* 2*", "*4 MB*", "*access points: every default*", "*past the limit*", "*last allowed camera*"],
    },
    // the script's argument checks: pure functions compiled into the image unchanged and run
    // here under Node (Stryker cannot instrument bytecode); test/limits-bytecode.test.ts runs
    // the same table through the VM. The world side of the table is left out (its own area).
    src: {
        mutate: ["src/limits.ts", "src/network/credentials.ts", "src/network/address.ts", "src/network/ranges.ts"],
        tests: ["test/limits.test.ts", "test/limits-mutants.test.ts"],
        skip: ["world limit *", "every bound of world.schema.json*"],
    },
}
