/**
 * JSON a lower layer already holds for an object, found by the object's identity. A write's
 * storage layer has just serialised the object it returns (less its resourceVersion), so the
 * response's encoder can take those bytes instead of serialising the object a second time.
 *
 * An entry describes the object as it was handed out: objects that storage returns are not
 * changed afterwards (the watch cache and the encode cache share them on the same rule).
 * The JSON is built only when asked for, once: the encode cache keeps it from then on. The
 * objects live on in the watch cache, so an entry goes when it is used or when RECENT newer
 * ones were made (its closure holds the stored bytes): the response that wants it is written
 * right after the write, and a miss only costs a stringify.
 */
export const RECENT = 4096;

const known = new WeakMap<object, () => string | undefined>();
/** The objects of the last RECENT entries, a ring: the slot at `next` is the oldest. */
const recent: (object | undefined)[] = new Array<object | undefined>(RECENT).fill(undefined);
let next = 0;

/** Records how to produce exactly `JSON.stringify(obj)` without walking `obj`. */
export function rememberJSON(obj: object, json: () => string | undefined): void {
  const oldest = recent[next];
  if (oldest !== undefined) known.delete(oldest);
  recent[next] = obj;
  next = (next + 1) % RECENT;
  known.set(obj, json);
}

/** `JSON.stringify(obj)` from what a lower layer holds, or undefined when it holds nothing (more) for `obj`. */
export function knownJSON(obj: object): string | undefined {
  const json = known.get(obj);
  if (json === undefined) return undefined;
  known.delete(obj);
  return json();
}
