import { type JDBus, type JDService, SettingsClient, SRV_SETTINGS } from "./jacdac"
import { type Secret, SecretError, writeSecrets } from "../project/secrets"
import type { Clock } from "./radio/air"

// `camscript sim --secret` and the project's secrets file: the secrets are
// written into the VM's own settings store (the runtime's Jacdac settings
// service, jacdac-c services/settings.c, kept in the VM's flash) over the
// bus, as `camscript deploy --secret` writes them to a board, before the
// script is deployed, so its first `settings.get` finds them.

/** The VM announces its services on its first tick; a loaded machine's virtual clock is not slower. */
const SETTINGS_SERVICE_WAIT_MS = 2000
const POLL_MS = 10

/** The VM's settings service, once its device has announced itself on `bus`. */
function settingsService(bus: JDBus, deviceId: string, clock: Clock, waitMs: number): Promise<JDService> {
    const started = clock.now()
    return new Promise((resolve, reject) => {
        const look = () => {
            const found = bus.services({ serviceClass: SRV_SETTINGS }).find((s) => s.device.deviceId === deviceId)
            if (found) return resolve(found)
            if (clock.now() - started >= waitMs)
                return reject(
                    new SecretError(
                        `the VM's settings service did not appear in ${waitMs / 1000} s: no secret was written`,
                    ),
                )
            clock.setTimeout(look, POLL_MS)
        }
        look()
    })
}

/** Writes `secrets` to the settings store of the VM `deviceId`, each read back. */
export async function provisionVmSettings(
    bus: JDBus,
    deviceId: string,
    clock: Clock,
    secrets: Secret[],
): Promise<void> {
    const service = await settingsService(bus, deviceId, clock, SETTINGS_SERVICE_WAIT_MS)
    await writeSecrets(new SettingsClient(service), secrets)
}
