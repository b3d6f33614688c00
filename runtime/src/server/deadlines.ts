/**
 * The deadlines of the requests in flight (kube's timeout filter), on one node timer armed for
 * the earliest. A timer per request costs more than the rest of the filter: node keeps a timer
 * list per duration, and deletes and rebuilds it (a dictionary-mode object) whenever the last
 * request of that duration ends, which between requests it does each time.
 */
export class Deadlines<T> {
  private readonly pending = new Map<T, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly expire: (item: T) => void) {}

  /** `item` expires in `ms` unless deleted first. */
  add(item: T, ms: number): void {
    const at = performance.now() + ms;
    this.pending.set(item, at);
    if (at < this.armedFor) this.arm(at);
  }

  delete(item: T): void {
    this.pending.delete(item);
    // The timer is left armed (re-arming per request would cost what this saves); it is unref'd,
    // and when it fires with nothing due it re-arms for the earliest left, or stops.
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    // a request in flight keeps the process alive by its socket; this timer must not
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - performance.now())).unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [item, at] of this.pending) {
      if (at <= now) {
        this.pending.delete(item);
        this.expire(item);
      } else if (at < next) next = at;
    }
    if (next < Infinity) this.arm(next);
  }
}
