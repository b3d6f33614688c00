/**
 * Removing request header lines so that nothing downstream (a handler, a proxy
 * forwarding rawHeaders) can read them: kube deletes the credential and
 * impersonation headers it has acted on.
 */
import type { IncomingMessage } from "node:http";

/** Deletes the lines `drop` picks (by lowercased name) from rawHeaders, headers and headersDistinct. */
export function removeHeaders(req: IncomingMessage, drop: (lowercaseName: string) => boolean): void {
  const raw = req.rawHeaders;
  // Most requests carry none of them: look before touching anything.
  let dropped: string[] | undefined;
  let lines: number[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
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
