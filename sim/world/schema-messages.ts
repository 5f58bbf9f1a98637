// The schema's verdict on a world file, in words: ajv's errors turned into
// one line per problem naming the field (accessPoints[0].security), what is
// allowed and, for a misspelt name, the nearest allowed one. What was typed
// is not echoed (it could be a password).

import type { ErrorObject } from "ajv"
import { unknownBoard } from "../../project/boards"
import { didYouMean } from "../../project/suggest"
import { schemaValidator } from "../../project/validator"
import type { RawWorld } from "./raw"
import schema from "./world.schema.json"

export const validateWorld = schemaValidator<RawWorld>("world", schema, { allErrors: true })

/** "/accessPoints/0/security" -> "accessPoints[0].security" */
function fieldPath(instancePath: string): string {
    const p = instancePath
        .split("/")
        .slice(1)
        .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
        .join("")
        .replace(/^\./, "")
    return p || "(top level)"
}

/**
 * The schema of the object at an instancePath ("/accessPoints/0"), followed
 * through properties, items and $refs: ajv's schemaPath restarts inside each
 * $ref, so it cannot say which object's fields were allowed.
 */
function schemaAt(instancePath: string): { properties?: Record<string, unknown> } | undefined {
    type Node = { $ref?: string; properties?: Record<string, Node>; items?: Node } | undefined
    const deref = (n: Node): Node => {
        let node = n
        while (node?.$ref) {
            node = node.$ref
                .replace(/^#\//, "")
                .split("/")
                .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], schema) as Node
        }
        return node
    }
    let node = deref(schema as Node)
    for (const part of instancePath.split("/").slice(1))
        node = deref(/^\d+$/.test(part) ? node?.items : node?.properties?.[part])
    return node
}

/** The value at an error's instancePath in the parsed file. */
function valueAt(json: unknown, instancePath: string): unknown {
    let node = json
    for (const part of instancePath.split("/").slice(1))
        node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")]
    return node
}

export function describe(e: ErrorObject, json: unknown): string {
    const at = fieldPath(e.instancePath)
    switch (e.keyword) {
        case "additionalProperties": {
            const field = (e.params as { additionalProperty: string }).additionalProperty
            const allowed = Object.keys(schemaAt(e.instancePath)?.properties ?? {})
            return `${at === "(top level)" ? "" : at + ": "}unknown field "${field}"${didYouMean(field, allowed)}`
        }
        case "pattern":
            // a board id is checked against the boards folder, not shown a regular expression
            if (e.instancePath === "/board") return `board: ${unknownBoard(String(valueAt(json, "/board")))}`
            return `${at} ${e.message}`
        case "required":
            return `${at === "(top level)" ? "" : at + ": "}missing field "${(e.params as { missingProperty: string }).missingProperty}"`
        case "enum": {
            const allowed = (e.params as { allowedValues: unknown[] }).allowedValues
            const typed = valueAt(json, e.instancePath)
            // the suggestion names an allowed value; what was typed is not echoed (it could be anything)
            const hint =
                typeof typed === "string"
                    ? didYouMean(
                          typed,
                          allowed.filter((v): v is string => typeof v === "string"),
                      )
                    : ""
            return `${at} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}${hint}`
        }
        case "minItems":
        case "maxItems":
            if (/\/(position|to)$/.test(e.instancePath)) return `${at} must be [x, y] in metres`
            return `${at} ${e.message}`
        case "type": {
            // JSON reads 1e400 as Infinity, which the schema's "number" refuses: say so, not "must be number"
            const typed = valueAt(json, e.instancePath)
            if (typeof typed === "number" && !Number.isFinite(typed))
                return `${at} is too large a number (read as ${typed}); give a finite number${/\/(position|to)\/\d+$/.test(e.instancePath) ? " of metres" : ""}`
            if (/\/(position|to)$/.test(e.instancePath)) return `${at} must be [x, y] in metres`
            return `${at} ${e.message}`
        }
        case "oneOf":
            return `${at} must be a duration: milliseconds, or a string like "300ms", "20s", "2m"`
        default:
            return `${at} ${e.message}`
    }
}
