import { HardwareError } from "./errors"
import { jd, type JDService } from "./jacdac-link"
import { type Secret, SecretError, writeSecrets } from "../project/secrets"

// `camscript deploy --secret KEY=VALUE` (and the project's secrets file): the
// secrets go into the board's settings store over the runtime's Jacdac
// settings service (jacdac-c services/settings.c), after the image is
// uploaded and before the program starts, as DeviceScript's own CLI deploys
// its .env settings (cli/src/deploy.ts deploySettingsToService). Nothing
// here prints a value.

/** Writes `secrets` to the settings service of the board whose manager is `manager`, each read back. */
export async function writeBoardSettings(manager: JDService, secrets: Secret[]): Promise<void> {
    const service = manager.device.services({ serviceClass: jd.SRV_SETTINGS })[0]
    if (!service)
        throw new HardwareError(
            "the board's runtime announces no settings service, so it cannot keep secrets: flash the camscript runtime with `camscript flash`",
        )
    try {
        await writeSecrets(new jd.SettingsClient(service), secrets)
    } catch (e) {
        if (e instanceof SecretError) throw new HardwareError(e.message)
        throw e
    }
}
