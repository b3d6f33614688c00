/**
 * Removing request header lines so that nothing downstream (a handler, a proxy
 * forwarding rawHeaders) can read them: kube deletes the credential and
 * impersonation headers it has acted on.
 */
import type { IncomingMessage } from "node:http";

/**
 * A first look at a raw header name, before lowercasing it: false when its lowercased name
 * cannot start like any of `lowercaseStarts` (names or prefixes). Every request's header names
 * are new strings, so lowercasing one and hashing it for a lookup is most of what looking for a
 * few headers costs; Host, Accept, User-Agent and the like are passed over on their first letter.
 */
export function firstLetterFilter(lowercaseStarts: readonly string[]): (rawName: string) => boolean {
  const starts = new Uint8Array(128);
  let any = false;
  for (const start of lowercaseStarts) {
    const c = start.charCodeAt(0);
    if (Number.isNaN(c)) any = true; // "" starts every name
    else if (c < 128) starts[c] = 1;
    // a non-ASCII start: only a non-ASCII name can lowercase to it, and those are always looked at
  }
  if (any) return () => true;
  return (rawName) => {
    const c = rawName.charCodeAt(0);
    // Header names are ASCII tokens (llhttp enforces it); anything else gets the full look.
    if (!(c < 128)) return true;
    return starts[c >= 65 && c <= 90 ? c + 32 : c] === 1;
  };
}

/**
 * Deletes the lines `drop` picks (by lowercased name) from rawHeaders, headers and headersDistinct.
 * `mayDrop`, when given, sees the raw name first: a line it refuses is kept without lowercasing its name.
 */
export function removeHeaders(req: IncomingMessage, drop: (lowercaseName: string) => boolean, mayDrop?: (rawName: string) => boolean): void {
  const raw = req.rawHeaders;
  // Most requests carry none of them: look before touching anything.
  let dropped: string[] | undefined;
  let lines: number[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (mayDrop && !mayDrop(raw[i]!)) continue;
    const header = raw[i]!.toLowerCase();
    if (!drop(header)) continue;
    (dropped ??= []).push(header);
    (lines ??= []).push(i);
  }
  if (!dropped || !lines) return;
  // Node builds headers and headersDistinct lazily from rawHeaders and its original
  // count: materialise both before rawHeaders shrinks.
  const parsed = req.headers;
  const distinct = req.headersDistinct;
  // The object's own (interned) keys, deleted last added first: V8 then undoes each addition
  // in place, so when the dropped headers came last (Go's client writes X-Remote-* last)
  // req.headers keeps its fast shape instead of turning into a dictionary.
  const keys: string[] = [];
  for (const key in parsed) if (dropped.includes(key)) keys.push(key);
  for (let i = keys.length - 1; i >= 0; i--) {
    delete parsed[keys[i]!];
    delete distinct[keys[i]!];
  }
  let kept = 0;
  for (let i = 0, next = 0; i < raw.length; i += 2) {
    if (i === lines[next]) {
      next++;
      continue;
    }
    raw[kept] = raw[i]!;
    raw[kept + 1] = raw[i + 1]!;
    kept += 2;
  }
  raw.length = kept;
}
