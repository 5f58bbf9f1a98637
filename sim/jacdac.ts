// jacdac-ts ships its typings outside its package "exports", so TypeScript
// cannot find them by the package name: take the types from their file
// (erased at run time) and the values from the package itself.
import type * as Jacdac from "../node_modules/jacdac-ts/dist/types/src/jacdac"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jd = require("jacdac-ts") as typeof Jacdac

export type Packet = Jacdac.Packet
export type JDBus = Jacdac.JDBus
export type JDServiceServer = Jacdac.JDServiceServer
export type JDService = Jacdac.JDService
export const {
    ButtonServer,
    JDBus,
    JDServiceServer,
    JDServerServiceProvider,
    createProxyBridge,
    jdpack,
    jdunpack,
    serviceSpecifications,
    loadServiceSpecifications,
    SettingsClient,
    SRV_SETTINGS,
} = jd
