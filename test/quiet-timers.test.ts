import test from "ava"
import FakeTimers from "@sinonjs/fake-timers"
import { inTurn, quietTimerIsNext, VIRTUAL_FAKES } from "../sim/session"
import { boardBus } from "../sim/jacdac"
import { createVm } from "../sim/vm/devs-vm"

// The run loop (sim/session.ts, sim/fleet/fleet.ts) runs two kinds of timer
// back to back, without a turn of the event loop each: the VM's process
// tick and the bus's register poll. It knows them by their functions' names
// in the fake clock's heap, so an upgrade of jacdac-ts or of the VM that
// renamed them would silently make every simulation slower (the poll alone
// was a third of a group's CPU): these tests pin both names.

/** Stop a bus without its "bus: disposing." line on the console. */
async function dispose(bus: ReturnType<typeof boardBus>) {
    const debug = console.debug
    console.debug = () => undefined
    try {
        await bus.dispose()
    } finally {
        console.debug = debug
    }
}

/** Run `work` with the process's timers faked, in the simulations' turn. */
function faked<T>(work: (fake: ReturnType<typeof FakeTimers.install>) => Promise<T>): Promise<T> {
    return inTurn(async () => {
        const fake = FakeTimers.install({ now: 0, toFake: VIRTUAL_FAKES })
        try {
            return await work(fake)
        } finally {
            fake.uninstall()
        }
    })
}

test("the bus's register poll is a quiet timer; a plain timer before it is not", async (t) => {
    await faked(async (fake) => {
        const bus = boardBus(() => undefined)
        try {
            // the poll every 50 ms comes first: the announce is at 499 ms
            t.true(quietTimerIsNext(fake))
            const plain = setTimeout(() => undefined, 49)
            t.false(quietTimerIsNext(fake))
            clearTimeout(plain)
            t.true(quietTimerIsNext(fake))
            // it is due at 50 ms (jacdac-ts's REFRESH_REGISTER_POLL), and again 50 ms later
            t.is(fake.next(), 50)
            t.true(quietTimerIsNext(fake))
            t.is(fake.next(), 100)
        } finally {
            await dispose(bus)
        }
    })
})

test("the VM's process tick is a quiet timer", async (t) => {
    await faked(async (fake) => {
        const vm = await createVm()
        vm.dmesg = vm.log = vm.error = () => undefined
        try {
            vm.devsSetDeviceId("ca3c0de0ca3c0de0")
            vm.devsStart()
            // the tick is due 10 ms after the start, before any other timer here
            t.true(quietTimerIsNext(fake))
            t.is(fake.next(), 10)
        } finally {
            vm.devsStop()
        }
    })
})

test("an immediate (a frame on its way) is never run as a quiet timer", async (t) => {
    await faked(async (fake) => {
        const bus = boardBus(() => undefined)
        try {
            setImmediate(() => undefined)
            t.false(quietTimerIsNext(fake))
            fake.next()
            t.true(quietTimerIsNext(fake))
        } finally {
            await dispose(bus)
        }
    })
})

test("the bus tells of every frame it sends, at once (before any promise job)", async (t) => {
    await faked(async () => {
        let frames = 0
        const bus = boardBus(() => frames++)
        try {
            // a command, as the poll's GET is one: counted before the call returns
            void bus.selfDevice.sendCtrlCommand(0x81)
            t.is(frames, 1)
        } finally {
            await dispose(bus)
        }
    })
})
