/**
 * JSON a lower layer already holds for an object, found by the object's identity. A write's
 * storage layer has just serialised the object it returns (less its resourceVersion), so the
 * response's encoder can take those bytes instead of serialising the object a second time.
 *
 * An entry describes the object as it was handed out: objects that storage returns are not
 * changed afterwards (the watch cache and the encode cache share them on the same rule).
 * Entries go with their objects (a WeakMap), and the JSON is built only when asked for.
 */
const known = new WeakMap<object, () => string | undefined>();

/** Records how to produce exactly `JSON.stringify(obj)` without walking `obj`. */
export function rememberJSON(obj: object, json: () => string | undefined): void {
  known.set(obj, json);
}

/** `JSON.stringify(obj)` from what a lower layer holds, or undefined when it holds nothing for `obj`. */
export function knownJSON(obj: object): string | undefined {
  return known.get(obj)?.();
}
