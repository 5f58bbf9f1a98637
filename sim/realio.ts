// Work that happens in real time (a socket's bytes, a real RADIUS server's
// answer) while the simulation runs on virtual time. The session keeps the
// virtual clock crawling while any is pending, so it cannot race past it.

let pending = 0

export function trackRealIo<T>(work: Promise<T>): Promise<T> {
    pending++
    return work.finally(() => {
        pending--
    })
}

export function realIoPending(): boolean {
    return pending > 0
}
