import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs"

// The virtual board's SPI flash: erased (0xFF) until written, kept in a file
// when one is given so a flashed runtime and a deployed program survive a
// restart of the virtual board.

/**
 * The DeviceScript runtime keeps the deployed program and its settings in
 * this many bytes at the end of the flash: the VM's whole flash (sim/vm/devs-vm.ts),
 * 256 KB as the ESP32 runtime's `fstor` partition.
 */
const PROGRAM_REGION_SIZE = 256 * 1024

export class FlashChip {
    readonly data: Buffer

    constructor(
        readonly size: number,
        readonly file?: string,
    ) {
        this.data = Buffer.alloc(size, 0xff)
        if (file && existsSync(file)) {
            const saved = readFileSync(file)
            if (saved.length !== size)
                throw new Error(`${file}: holds ${saved.length} bytes, but this chip's flash is ${size} bytes`)
            saved.copy(this.data)
        }
    }

    private check(offset: number, length: number): void {
        if (offset < 0 || length < 0 || offset + length > this.size)
            throw new RangeError(`flash access 0x${offset.toString(16)}+${length} beyond 0x${this.size.toString(16)}`)
    }

    erase(offset: number, length: number): void {
        this.check(offset, length)
        this.data.fill(0xff, offset, offset + length)
    }

    write(offset: number, bytes: Uint8Array): void {
        this.check(offset, bytes.length)
        this.data.set(bytes, offset)
    }

    read(offset: number, length: number): Uint8Array {
        this.check(offset, length)
        return new Uint8Array(this.data.subarray(offset, offset + length))
    }

    get programOffset(): number {
        return this.size - PROGRAM_REGION_SIZE
    }

    save(): void {
        if (!this.file) return
        const fd = openSync(this.file, "w")
        try {
            writeSync(fd, this.data)
        } finally {
            closeSync(fd)
        }
    }
}
