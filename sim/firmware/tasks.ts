import type { Clock } from "../radio/air"

// The FreeRTOS tasks of the firmware's C inside one WebAssembly instance
// (firmware/host/sim/freertos_sim.c), run on the virtual clock.
//
// The module is built with binaryen's Asyncify (firmware/Makefile), so the
// one import `task_wait` can suspend the task that called it: the import
// starts an unwind into the task's save area, the task's C frames return
// one by one to here, and later a rewind re-enters them where they were
// and `task_wait` returns the answer. Each task also has a C stack of its
// own (the shadow stack, which Asyncify does not save), so this switches
// the module's stack pointer on the way in and out.
//
// Deterministic: a task runs only from the board's main-loop pass
// (runReady), one after the other in the order they became ready, each
// until it blocks again; never from inside another call into the module.
// A blocked task waits for a virtual-clock timer (a delay, a semaphore's
// timeout), a give from another task or the main loop, or an operation
// of the simulated ESP-IDF (esp_http_client), which may include real I/O
// on loopback that the session waits for before it moves time.

/** The exports the scheduler needs (Asyncify's and freertos_sim.c's). */
export interface TaskExports {
    sim_sp_get(): number
    sim_sp_set(sp: number): void
    sim_task_current(id: number): void
    sim_task_run(id: number): void
    sim_task_free(id: number): void
    asyncify_start_unwind(data: number): void
    asyncify_stop_unwind(): void
    asyncify_start_rewind(data: number): void
    asyncify_stop_rewind(): void
    asyncify_get_state(): number
}

/** Asyncify's states (asyncify_get_state). */
const UNWINDING = 1

/** Main-loop delays in one pass before the run stops (a main loop waiting for a task that never ends). */
const MAX_MAIN_DELAYS = 10_000

/** sim_task_block's "forever". */
const FOREVER = 0xffffffff

interface Task {
    id: number
    /** the stack pointer to enter with: the stack's top at first, where it was when it suspended later */
    sp: number
    saveArea: number
    started: boolean
    /** what it waits for is answered: it runs at the next pass with this answer */
    answer?: number
    /** blocked in task_block: a give wakes it */
    blocked: boolean
    /** in a delay (task_sleep): a main-loop delay runs it early */
    sleeping: boolean
    timer?: unknown
    /** an operation began and the task has not suspended for it yet */
    pending?: Promise<number>
    exited: boolean
}

export class FirmwareTasks {
    private readonly tasks = new Map<number, Task>()
    private readonly ready: Task[] = []
    private running?: Task
    private rewinding = false
    private disposed = false

    constructor(
        private readonly clock: Clock,
        private readonly exports: () => TaskExports,
        /** asks the board for a main-loop pass soon */
        private readonly schedulePass: () => void,
    ) {}

    /** After the module started (or a new instance replaced it): no task yet. */
    start() {
        this.clear()
        this.disposed = false
    }

    /** The instance is gone (the board disposed, or about to boot a new one): no task runs again. */
    dispose() {
        this.clear()
        this.disposed = true
    }

    private clear() {
        for (const t of this.tasks.values()) if (t.timer !== undefined) this.clock.clearTimeout(t.timer)
        this.tasks.clear()
        this.ready.length = 0
    }

    /** Whether a task is running now (inside a call of runReady). */
    get current(): number | undefined {
        return this.running?.id
    }

    /**
     * The current task waits for `operation` (an import of the simulated
     * ESP-IDF began it; the C suspends right after, in task_wait).
     */
    await(operation: Promise<number>) {
        const t = this.running
        if (!t) throw new Error("firmware: a blocking ESP-IDF call outside a task")
        t.pending = operation
    }

    /** The imports of freertos_sim.c. */
    imports() {
        return {
            task_created: (id: number, stackTop: number, saveArea: number) => {
                const t: Task = {
                    id,
                    sp: stackTop,
                    saveArea,
                    started: false,
                    blocked: false,
                    sleeping: false,
                    exited: false,
                }
                this.tasks.set(id, t)
                this.makeReady(t, 0)
            },
            task_wait: () => this.wait(),
            task_sleep: (ms: number) => {
                const t = this.mustRun()
                t.sleeping = true
                t.timer = this.clock.setTimeout(() => {
                    t.timer = undefined
                    t.sleeping = false
                    this.makeReady(t, 0)
                }, ms)
            },
            task_main_delay: () => this.mainDelay(),
            task_block: (ms: number) => {
                const t = this.mustRun()
                t.blocked = true
                // answered by task_wake (1) or the timeout (0); no promise: both answer directly
                if (ms >>> 0 !== FOREVER)
                    t.timer = this.clock.setTimeout(() => {
                        t.timer = undefined
                        if (!t.blocked) return
                        t.blocked = false
                        this.makeReady(t, 0)
                    }, ms)
            },
            task_wake: (id: number) => {
                const t = this.tasks.get(id)
                if (!t || !t.blocked) return 0
                t.blocked = false
                if (t.timer !== undefined) this.clock.clearTimeout(t.timer)
                t.timer = undefined
                this.makeReady(t, 1)
                return 1
            },
            task_exit: (id: number) => {
                const t = this.tasks.get(id)
                if (t) t.exited = true
            },
        }
    }

    private mainDelays = 0

    /** A main-loop pass begins (the count of its delays starts again). */
    passStarted() {
        this.mainDelays = 0
    }

    /**
     * A delay on the main loop (freertos_sim.c): the main loop cannot suspend
     * and the clock does not move in a pass, so the tasks sleeping in a delay
     * run now, once each. A main loop that keeps delaying waits for a task
     * that does not end: that would hang the chip's main loop too.
     */
    private mainDelay() {
        if (++this.mainDelays > MAX_MAIN_DELAYS)
            throw new Error(`firmware: the main loop delayed ${MAX_MAIN_DELAYS} times in one pass, waiting for a task`)
        for (const t of this.tasks.values()) {
            if (!t.sleeping) continue
            if (t.timer !== undefined) this.clock.clearTimeout(t.timer)
            t.timer = undefined
            t.sleeping = false
            this.makeReady(t, 0)
        }
        this.runReady()
    }

    private mustRun(): Task {
        if (!this.running) throw new Error("firmware: a FreeRTOS wait outside a task")
        return this.running
    }

    private makeReady(t: Task, answer: number) {
        // a task of an instance since replaced, or one that ended, never runs again
        if (this.disposed || t.exited || this.tasks.get(t.id) !== t) return
        t.answer = answer
        this.ready.push(t)
        this.schedulePass()
    }

    /** task_wait: the answer when rewinding; otherwise suspend the running task. */
    private wait(): number {
        const t = this.mustRun()
        const x = this.exports()
        if (this.rewinding) {
            x.asyncify_stop_rewind()
            this.rewinding = false
            const answer = t.answer ?? 0
            t.answer = undefined
            return answer
        }
        // the save area's header was set by the C (suspend() in freertos_sim.c)
        x.asyncify_start_unwind(t.saveArea)
        const pending = t.pending
        t.pending = undefined
        // the simulated ESP-IDF answers every operation (its failures are answers); -1 (ESP_FAIL) if one ever throws
        if (pending)
            pending.then(
                (answer) => this.makeReady(t, answer),
                () => this.makeReady(t, -1),
            )
        return 0
    }

    /** Runs every ready task until it blocks again (the board's pass calls this first). */
    runReady() {
        while (this.ready.length && !this.disposed) {
            const t = this.ready.shift()!
            if (t.exited) continue
            this.enter(t)
        }
    }

    private enter(t: Task) {
        const x = this.exports()
        // the caller's stack pointer (the main loop's, between its calls), restored after
        const callerSp = x.sim_sp_get()
        this.running = t
        x.sim_task_current(t.id)
        x.sim_sp_set(t.sp)
        if (t.started) {
            this.rewinding = true
            x.asyncify_start_rewind(t.saveArea)
        }
        t.started = true
        try {
            x.sim_task_run(t.id)
        } finally {
            if (x.asyncify_get_state() === UNWINDING) {
                x.asyncify_stop_unwind()
                t.sp = x.sim_sp_get()
            }
            x.sim_sp_set(callerSp)
            x.sim_task_current(0)
            this.running = undefined
            this.rewinding = false
        }
        if (t.exited) {
            this.tasks.delete(t.id)
            x.sim_task_free(t.id)
        }
    }
}
