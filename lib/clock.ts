/**
 * The program's clock: what "now" is for rules that depend on it (a restore window, a rotation's
 * age). Time-relative rules read it here, never `Date.now()` directly, so that a later
 * `pulumi up` can be rehearsed offline with the clock moved forward (tests/harness.ts, `later`).
 *
 * The setting lives on the global object, not in this module, so that every loaded copy of the
 * module (the offline harness reloads the program's modules between runs) reads the same clock.
 */
const CLOCK = Symbol.for("payment-gateway.clock");
const holder = globalThis as { [CLOCK]?: number };

/** Milliseconds since the epoch: the real clock, or the one a rehearsal set. */
export function now(): number {
    return holder[CLOCK] ?? Date.now();
}

/** Sets the clock for a rehearsal (undefined: the real clock again). Not for the program itself. */
export function setClock(at: number | undefined): void {
    if (at === undefined) delete holder[CLOCK];
    else holder[CLOCK] = at;
}
