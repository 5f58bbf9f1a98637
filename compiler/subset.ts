// The TypeScript that the DeviceScript compiler accepts but the VM runs
// wrongly, refused at compile time with the script's file:line and what to
// write instead, quoted with ' (a " or ` quote is redacted as a possible secret), (docs/api.md, "The TypeScript subset"). Everything else the
// VM cannot run, the DeviceScript compiler already refuses itself (closures
// over loop variables, a missing await, getters, regular expressions, ...).
//
// Each rule was found by running the construct on the VM (the @devicescript/cli
// 2.16.4 runtime camscript pins); the observed result is beside it.
//
// The check runs inside the compiler's own TypeScript program, on the
// script's files only (src/user/ in the build tree), after every type error
// is gone (the compiler asks for semantic diagnostics last), with the
// program's type checker, so `o.length = 1` on an object that is not an
// array stays allowed.

type AnyFn = (...args: any[]) => any

/** The parts of the compiler's TypeScript (4.9) this check uses. */
interface TypeScriptModule {
    createProgram: AnyFn
    forEachChild: AnyFn
    SyntaxKind: Record<string, number>
    DiagnosticCategory: { Error: number }
}

interface Node {
    kind: number
    getStart(): number
    getEnd(): number
    [k: string]: any
}

interface SourceFile extends Node {
    fileName: string
}

interface Problem {
    node: Node
    message: string
}

/** TS9201..: camscript's own diagnostics, shown as `error TS9201: ...` like the compiler's. */
const SUBSET_CODE = 9201

/** More arguments to console.log and its siblings fail an assertion inside the compiler. */
const MAX_CONSOLE_ARGS = 7

/** The build tree's path of the script's own files (compiler/compile.ts puts them there). */
const isScriptFile = (fileName: string) => /^(\.\/)?src\/user\//.test(fileName)

function isArrayTyped(checker: any, node: Node): boolean {
    const type = checker.getTypeAtLocation(node)
    if (!type) return false
    const types = type.isUnion?.() ? type.types : [type]
    return types.some(
        (t: any) =>
            checker.isArrayType?.(t) ||
            checker.isTupleType?.(t) ||
            /^(readonly )?.*\[\]$/.test(checker.typeToString(t)) ||
            ["Array", "ReadonlyArray"].includes(t.getSymbol?.()?.getName()),
    )
}

function problemsIn(ts: TypeScriptModule, checker: any, file: SourceFile): Problem[] {
    const K = ts.SyntaxKind
    const problems: Problem[] = []
    const assignments = new Set([
        K.EqualsToken,
        K.PlusEqualsToken,
        K.MinusEqualsToken,
        K.AsteriskEqualsToken,
        K.SlashEqualsToken,
        K.PercentEqualsToken,
        K.BarEqualsToken,
        K.AmpersandEqualsToken,
        K.LessThanLessThanEqualsToken,
        K.GreaterThanGreaterThanEqualsToken,
        K.GreaterThanGreaterThanGreaterThanEqualsToken,
        K.QuestionQuestionEqualsToken,
        K.BarBarEqualsToken,
        K.AmpersandAmpersandEqualsToken,
    ])
    const arrayLength = (n: Node | undefined): n is Node =>
        !!n && n.kind === K.PropertyAccessExpression && n.name?.text === "length" && isArrayTyped(checker, n.expression)
    const lengthMessage = (target: Node) => {
        const a = target.expression.getText()
        return (
            `${a}.length cannot be set: the DeviceScript VM leaves the array as it was and its length wrong ` +
            `(after 'a.length = 0' and two pushes it reports 0). To empty it assign a new array ` +
            `('${a} = []'); to shorten it, pop: 'while (${a}.length > n) ${a}.pop()'`
        )
    }
    const visit = (node: Node) => {
        if (node.kind === K.BinaryExpression && assignments.has(node.operatorToken.kind) && arrayLength(node.left))
            problems.push({ node: node.left, message: lengthMessage(node.left) })
        else if (
            (node.kind === K.PrefixUnaryExpression || node.kind === K.PostfixUnaryExpression) &&
            (node.operator === K.PlusPlusToken || node.operator === K.MinusMinusToken) &&
            arrayLength(node.operand)
        )
            problems.push({ node: node.operand, message: lengthMessage(node.operand) })
        else if (
            node.kind === K.DeleteExpression &&
            node.expression.kind === K.ElementAccessExpression &&
            isArrayTyped(checker, node.expression.expression)
        ) {
            const a = node.expression.expression.getText()
            const i = node.expression.argumentExpression.getText()
            problems.push({
                node,
                message:
                    `delete on an array element does nothing on the DeviceScript VM (the element stays). ` +
                    `Make a new array without it: '${a} = ${a}.filter((_, j) => j !== ${i})'`,
            })
        } else if (
            node.kind === K.CallExpression &&
            node.expression.kind === K.PropertyAccessExpression &&
            node.expression.expression.getText() === "console" &&
            node.arguments.length > MAX_CONSOLE_ARGS
        ) {
            // the compiler itself stops with "Internal error: Assertion failed", naming nothing
            problems.push({
                node,
                message:
                    `console.${node.expression.name.text}() takes at most ${MAX_CONSOLE_ARGS} arguments on DeviceScript ` +
                    `(this call has ${node.arguments.length}); join them into one template string`,
            })
        } else if (node.kind === K.ForInStatement && isArrayTyped(checker, node.expression)) {
            const a = node.expression.getText()
            problems.push({
                node: node.expression,
                message:
                    `for...in over an array stops the DeviceScript VM with a TypeError. ` +
                    `Loop over the values with 'for (const x of ${a})', or over the indexes with ` +
                    `'for (let i = 0; i < ${a}.length; i++)'`,
            })
        }
        ts.forEachChild(node, visit)
    }
    visit(file)
    return problems
}

let installed: TypeScriptModule | undefined

/** Adds the subset check to every program the compiler makes (once per TypeScript module). */
export function installSubsetCheck(ts: TypeScriptModule) {
    if (installed === ts) return
    installed = ts
    const createProgram = ts.createProgram
    ts.createProgram = function (...args: unknown[]) {
        const program = createProgram.apply(this, args)
        const semantic: AnyFn = program.getSemanticDiagnostics.bind(program)
        program.getSemanticDiagnostics = (file?: SourceFile, token?: unknown) => {
            const found = semantic(file, token) as object[]
            // the compiler shows only the first kind of error it meets: ours
            // come after the type errors, which the user fixes first
            if (found.length) return found
            const files = (file ? [file] : (program.getSourceFiles() as SourceFile[])).filter((f) =>
                isScriptFile(f.fileName),
            )
            const checker = program.getTypeChecker()
            return files.flatMap((f) =>
                problemsIn(ts, checker, f).map(({ node, message }) => ({
                    category: ts.DiagnosticCategory.Error,
                    code: SUBSET_CODE,
                    file: f,
                    start: node.getStart(),
                    length: node.getEnd() - node.getStart(),
                    messageText: message,
                })),
            )
        }
        return program
    }
}
