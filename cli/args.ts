import { didYouMean } from "../project/suggest"

// The command line's own argument reader: Node's parseArgs reports a typo as
// a paragraph about positionals with unbalanced quotes; this says which
// option was wrong, suggests the nearest one and points at the command's help.

interface OptionSpec {
    type: "string" | "boolean"
    short?: string
    /** for messages: `--world FILE` */
    value?: string
    /** a string option that may be given again and again: its values, in order, as a string[] */
    multiple?: boolean
}

export type OptionSpecs = Record<string, OptionSpec>

export interface ParsedArgs {
    values: Record<string, string | boolean | string[] | undefined>
    positionals: string[]
}

/** A bad option or argument: the message and the command it belongs to (for the help hint). */
export class ArgumentError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "ArgumentError"
    }
}

export function parseCommandArgs(argv: readonly string[], options: OptionSpecs): ParsedArgs {
    const values: ParsedArgs["values"] = {}
    const positionals: string[] = []
    const names = Object.keys(options)
    const shown = (name: string) => `--${name}`
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]
        if (arg === "--") {
            positionals.push(...argv.slice(i + 1))
            break
        }
        let name: string
        let inline: string | undefined
        if (arg.startsWith("--")) {
            const eq = arg.indexOf("=")
            name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
            inline = eq < 0 ? undefined : arg.slice(eq + 1)
            if (!Object.hasOwn(options, name))
                throw new ArgumentError(`unknown option --${name}${didYouMean(name, names, shown)}`)
        } else if (arg.startsWith("-") && arg.length > 1 && !/^-\d/.test(arg)) {
            const found = names.find((n) => options[n].short === arg.slice(1))
            if (!found) throw new ArgumentError(`unknown option ${arg}${didYouMean(arg.slice(1), names, shown)}`)
            name = found
        } else {
            positionals.push(arg)
            continue
        }
        const spec = options[name]
        if (spec.type === "boolean") {
            if (inline !== undefined) throw new ArgumentError(`--${name} takes no value (got --${name}=${inline})`)
            values[name] = true
            continue
        }
        const value = inline ?? argv[i + 1]
        if (value === undefined || (inline === undefined && value.startsWith("-") && !/^-\d/.test(value)))
            throw new ArgumentError(`--${name} needs a value: --${name} ${spec.value ?? "VALUE"}`)
        if (inline === undefined) i++
        if (spec.multiple) {
            const earlier = values[name]
            values[name] = [...(Array.isArray(earlier) ? earlier : []), value]
        } else values[name] = value
    }
    return { values, positionals }
}
