/**
 * Serves a log stream as kube serves pods/log: 200 `text/plain`, chunked,
 * each chunk written as it arrives (follow), `limitBytes` enforced here so
 * every provider gets it. When the client goes away the source is returned
 * (its iterator's return(), which destroys a Readable) and the request ends.
 */
import { once } from "node:events";
import type { RequestContext } from "../api/request.js";
import type { LogOptions, LogStream } from "./types.js";

export async function serveLog(ctx: RequestContext, stream: LogStream, opts: LogOptions): Promise<void> {
  const { res, signal } = ctx;
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
  // Headers out at once: `kubectl get --raw ...?follow=true` should not wait for the first line.
  res.flushHeaders();
  const it = stream[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<Uint8Array | string>>((resolve) => {
    if (signal.aborted) resolve({ done: true, value: undefined });
    else signal.addEventListener("abort", () => resolve({ done: true, value: undefined }), { once: true });
  });
  let left = opts.limitBytes ?? Infinity;
  try {
    while (left > 0) {
      const next = await Promise.race([it.next(), aborted]);
      if (next.done || signal.aborted) break;
      let chunk = typeof next.value === "string" ? Buffer.from(next.value, "utf8") : next.value;
      if (chunk.length === 0) continue;
      if (chunk.length > left) chunk = chunk.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) await Promise.race([once(res, "drain"), aborted]);
    }
  } catch (err) {
    // Half a log cannot become a Status: cut the connection so the client sees an error, not EOF.
    res.destroy(err as Error);
    return;
  } finally {
    void Promise.resolve(it.return?.()).catch(() => {});
  }
  if (!res.destroyed) res.end();
}
