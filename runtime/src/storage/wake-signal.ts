/**
 * The pull side of a watcher's queue: a consumer waits until the producer says
 * more is there (an event, a bookmark, the end), and every waiter wakes at once.
 */
export class WakeSignal {
  private waiters: (() => void)[] = [];

  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
