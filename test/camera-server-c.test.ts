import test from "ava"
import { readRegularFile } from "../project/files"
import { fromRoot } from "../project/paths"
import { STREAM_BOUNDARY } from "../sim/drivers/camera-server"
import {
    SERVE_PASSWORD_MAX_CHARS,
    SERVE_PATH_MAX_CHARS,
    SERVE_STREAM_CLIENTS_MAX,
    SERVE_USER_MAX_CHARS,
} from "../src/limits"

// The C camera server (firmware/main/cam_camera_server.c) is not in the
// simulator's module yet, so the conformance suite cannot compare it with
// the model; its behaviour is tested on the host (firmware/test/
// test_camera_server.c). Here: its sizes are the bytecode's limits, its part
// boundary the model's, its contract version the contract's.

function read(path: string): string {
    return readRegularFile(fromRoot(path), path, 1 << 20).toString("utf8")
}

const define = (source: string, name: string) => Number(new RegExp(`^#define ${name} (\\d+)`, "m").exec(source)?.[1])

test("the C camera server's limits are the bytecode's: stream clients, path, user and password lengths", (t) => {
    const server = read("firmware/main/cam_camera_server.c")
    const packets = read("firmware/main/cam_camera_server_packets.h")
    t.is(define(server, "MAX_STREAMS"), SERVE_STREAM_CLIENTS_MAX)
    t.is(define(packets, "CAM_SERVER_PATH_MAX"), SERVE_PATH_MAX_CHARS)
    t.is(define(packets, "CAM_SERVER_USER_MAX"), SERVE_USER_MAX_CHARS)
    t.is(define(packets, "CAM_SERVER_PASSWORD_MAX"), SERVE_PASSWORD_MAX_CHARS)
})

test("the C camera server's part boundary is the model's, its contract version the contract's", (t) => {
    const packets = read("firmware/main/cam_camera_server_packets.h")
    t.is(/#define CAM_SERVER_BOUNDARY "([^"]+)"/.exec(packets)?.[1], STREAM_BOUNDARY)
    const contract = read("services/camera-server.md")
    t.is(
        define(read("firmware/main/cam_camera_server.c"), "CONTRACT_VERSION"),
        Number(/Driver contract, version (\d+)/.exec(contract)?.[1]),
    )
})
