/**
 * Watchers as the registry hands them to the watch handler: whatever goes wrong in the
 * storage, at the start or on the way, arrives as a StatusError from the iteration,
 * which the handler sends as an ERROR event (kube's cacher answers a watch it cannot
 * start with such an error watcher, newErrWatcher, rather than an HTTP error).
 */
import type { StatusError } from "../api/status.js";
import type { WatchEvent, Watcher } from "../apimachinery/watch.js";

/** A watcher whose first step fails with `err`. */
export function failedWatcher(err: StatusError): Watcher {
  return {
    stop() {},
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }),
  };
}

/** `watcher` with the errors its iteration throws turned into StatusErrors by `interpret`. */
export function interpretingWatcher(watcher: Watcher, interpret: (err: unknown) => StatusError): Watcher {
  const fail = (err: unknown): never => {
    throw interpret(err);
  };
  const pushTo = watcher.pushTo?.bind(watcher);
  return {
    stop: () => watcher.stop(),
    ...(pushTo && { pushTo: (sink) => pushTo({ push: (ev) => sink.push(ev), end: (err) => sink.end(err === undefined ? undefined : interpret(err)) }) }),
    [Symbol.asyncIterator]: (): AsyncIterator<WatchEvent> => {
      const events = watcher[Symbol.asyncIterator]();
      return {
        next: () => events.next().catch(fail),
        return: async (value?: unknown) => (events.return ? events.return(value) : { done: true, value }),
      };
    },
  };
}
