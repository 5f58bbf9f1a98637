import { existsSync, statSync } from "node:fs"
import { readRegularFile } from "./files"
import { parseJson } from "./json-text"
import type { FoundSettings } from "./settings"
import { checkSettingKey, encodeSetting } from "../src/settings-checks"
import { SETTINGS_STORE_BYTES } from "../src/limits"

// Secrets provisioned at run or deploy time, never compiled into the image:
// `--secret key=value` on the command line and the project's secrets file
// (devicescript.json "secrets"). Each becomes a setting on the board (the
// runtime's Jacdac settings store) before the script starts, which reads it
// with `settings.get(key)`. Every message here names keys and files, never a
// value: a value is a password until proven otherwise.

/** The secrets file holds no more than the board's whole settings store. */
export const SECRETS_FILE_MAX_BYTES = SETTINGS_STORE_BYTES

/** One setting to write: its key and the JSON text stored (what `settings.get` parses). */
export interface Secret {
    key: string
    json: string
}

/** A secret that breaks a rule: a usage error, said before anything runs. */
export class SecretError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "SecretError"
    }
}

/** `--secret key=value`: the value is a string, stored as JSON text. */
function parseSecretFlag(text: string): Secret {
    const eq = text.indexOf("=")
    // the text may be a password typed without its key: never repeat it
    if (eq < 0) throw new SecretError(`--secret takes KEY=VALUE; the argument given has no "="`)
    const key = text.slice(0, eq)
    if (key.length === 0) throw new SecretError(`--secret takes KEY=VALUE; the key before "=" is empty`)
    return checked(key, text.slice(eq + 1), "--secret")
}

function checked(key: string, value: unknown, what: string): Secret {
    try {
        checkSettingKey(key, what)
        return { key, json: encodeSetting(key, value, what) }
    } catch (e) {
        throw new SecretError((e as Error).message)
    }
}

/** Group- or world-readable: anyone else on the machine could read the passwords. */
function checkPrivate(file: string) {
    if (process.platform === "win32") return
    let mode: number
    try {
        mode = statSync(file).mode
    } catch (e) {
        throw new SecretError(`cannot read the secrets file ${file} (${(e as NodeJS.ErrnoException).code ?? e})`)
    }
    if ((mode & 0o077) !== 0)
        throw new SecretError(
            `the secrets file ${file} can be read by others (mode ${(mode & 0o777).toString(8)}); it holds passwords: run \`chmod 600 ${file}\``,
        )
}

/**
 * The secrets of a file: a JSON object of key to value (a string, number,
 * boolean, or an array or object of those). The file must be readable by
 * its owner only (mode 600): refused otherwise.
 */
function readSecretsFile(file: string): Secret[] {
    checkPrivate(file)
    const what = `the secrets file ${file}`
    let raw: unknown
    try {
        raw = parseJson(readRegularFile(file, what, SECRETS_FILE_MAX_BYTES).toString("utf8"))
    } catch (e) {
        throw new SecretError(`${what}: ${(e as Error).message}`)
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new SecretError(`${what} must hold a JSON object of settings: { "wifi_pass": "..." }`)
    return secretsFromValues(raw as Record<string, unknown>, what)
}

/** Secrets from an object of key to value (the secrets file's, `camscript/testing`'s `secrets`). */
export function secretsFromValues(values: Record<string, unknown>, what: string): Secret[] {
    return Object.entries(values).map(([key, value]) => checked(key, value, what))
}

/** The file's secrets, then the flags' (a flag overrides the file's key). */
function gatherSecrets(file: string | undefined, flags: string[]): Secret[] {
    const byKey = new Map<string, Secret>()
    if (file !== undefined) for (const s of readSecretsFile(file)) byKey.set(s.key, s)
    for (const f of flags) {
        const s = parseSecretFlag(f)
        byKey.set(s.key, s)
    }
    return [...byKey.values()]
}

/** What writing a secret needs of the board's settings service (jacdac-ts SettingsClient has it). */
export interface SettingsWriter {
    setValue(key: string, value: Uint8Array): Promise<void>
    getValue(key: string): Promise<Uint8Array | undefined>
}

/**
 * Writes each secret and reads it back: the runtime drops a set that does
 * not fit its store, without a word (jacdac-c jd_fstor.c "out of space").
 */
export async function writeSecrets(writer: SettingsWriter, secrets: Secret[]): Promise<void> {
    for (const s of secrets) {
        const bytes = new TextEncoder().encode(s.json)
        let back: Uint8Array | undefined
        try {
            await writer.setValue(s.key, bytes)
            back = await writer.getValue(s.key)
        } catch {
            // jacdac-ts's own message may print the packet, value and all
            throw new SecretError(`the board's settings service did not answer while the secret "${s.key}" was written`)
        }
        if (!back || Buffer.compare(Buffer.from(back), Buffer.from(bytes)) !== 0)
            throw new SecretError(
                `the board did not keep the secret "${s.key}": its settings store (about ${SETTINGS_STORE_BYTES / 1024} KB) is full`,
            )
    }
}

/**
 * A run's secrets: the project's secrets file (devicescript.json "secrets"),
 * then `--secret` flags. A secrets file named but absent (a fresh clone, a
 * new project) provisions nothing: the script reads its settings' defaults.
 */
export function projectSecrets(settings: FoundSettings, flags: string[]): Secret[] {
    const file = settings.secretsFile
    return gatherSecrets(file !== undefined && existsSync(file) ? file : undefined, flags)
}
