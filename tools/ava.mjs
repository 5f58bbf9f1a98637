// ava's command line, for tools/suite.mjs, which starts it as
// `node --single-threaded tools/ava.mjs ...`: V8's background threads off for
// the whole process. The suite runs four test files' worker threads at once
// on two cores, and each worker's isolate had V8's helper threads optimising
// the same code and collecting its garbage beside it; with them off, the test
// processes used about a fifth less CPU and finished sooner
// (docs/testing.md, where the time goes). The flag is process-wide, so the
// workers get it too; it is taken out of execArgv, which ava passes on to
// each worker thread and which a worker refuses V8 flags in.
process.execArgv = process.execArgv.filter((a) => a !== "--single-threaded")
await import(new URL("../node_modules/ava/entrypoints/cli.mjs", import.meta.url).href)
