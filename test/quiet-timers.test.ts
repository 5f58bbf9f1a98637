import test from "ava"
import { quietTimerIsNext } from "../sim/session"
import { createVm } from "../sim/vm/devs-vm"
import { busOnFakeClock, onFakeClock } from "./helpers/fake-clock-bus"

// The run loop (sim/session.ts, sim/fleet/fleet.ts) runs two kinds of timer
// back to back, without a turn of the event loop each: the VM's process
// tick and the bus's register poll. It knows them by their functions' names
// in the fake clock's heap, so an upgrade of jacdac-ts or of the VM that
// renamed them would silently make every simulation slower (the poll alone
// was a third of a group's CPU): these tests pin both names.

test("the bus's register poll is a quiet timer; a plain timer before it is not", async (t) => {
    await busOnFakeClock(
        () => undefined,
        async (fake) => {
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
        },
    )
})

test("the VM's process tick is a quiet timer", async (t) => {
    await onFakeClock(async (fake) => {
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
    await busOnFakeClock(
        () => undefined,
        async (fake) => {
            setImmediate(() => undefined)
            t.false(quietTimerIsNext(fake))
            fake.next()
            t.true(quietTimerIsNext(fake))
        },
    )
})

test("the bus tells of every frame it sends, at once (before any promise job)", async (t) => {
    let frames = 0
    await busOnFakeClock(
        () => frames++,
        async (_fake, bus) => {
            // a command, as the poll's GET is one: counted before the call returns
            void bus.selfDevice.sendCtrlCommand(0x81)
            t.is(frames, 1)
        },
    )
})
