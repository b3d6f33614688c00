/**
 * Serves a log stream as kube serves pods/log: 200 `text/plain`, chunked,
 * each chunk written as it arrives (follow), `limitBytes` enforced here so
 * every provider gets it. When the client goes away the source is returned
 * (its iterator's return(), which destroys a Readable) and the request ends.
 */
import { once } from "node:events";
import { Readable } from "node:stream";
import type { RequestContext } from "../api/request.js";
import type { LogOptions, LogStream } from "./types.js";

export async function serveLog(ctx: RequestContext, stream: LogStream, opts: LogOptions): Promise<void> {
  const { res, signal } = ctx;
  res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
  // Headers out at once: `kubectl get --raw ...?follow=true` should not wait for the first line.
  res.flushHeaders();
  if (stream instanceof Readable) return pipeReadable(ctx, stream, opts);
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

/**
 * The common case (a proxied pods/log response): data events and pause/resume
 * as stream.pipe does, without a promise per chunk; a 10 MB/s stream costs
 * about what a plain pipe costs.
 */
function pipeReadable(ctx: RequestContext, src: Readable, opts: LogOptions): Promise<void> {
  const { res, signal } = ctx;
  let left = opts.limitBytes ?? Infinity;
  return new Promise<void>((resolve) => {
    const finish = (err?: Error) => {
      src.off("data", onData);
      signal.removeEventListener("abort", onAbort);
      res.off("drain", onDrain);
      src.destroy();
      if (err) res.destroy(err);
      else if (!res.destroyed && !res.writableEnded) res.end();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      if (chunk.length > left) chunk = chunk.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) src.pause();
      if (left <= 0) finish();
    };
    const onDrain = () => src.resume();
    const onAbort = () => finish();
    if (signal.aborted) return finish();
    signal.addEventListener("abort", onAbort, { once: true });
    res.on("drain", onDrain);
    src.on("data", onData);
    src.once("end", () => finish());
    // Half a log cannot become a Status: cut the connection so the client sees an error, not EOF.
    src.once("error", (err) => finish(err));
  });
}
