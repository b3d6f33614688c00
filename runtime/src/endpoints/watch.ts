/**
 * WATCH (handlers/watch.go): newline-delimited WatchEvents in a 200 chunked stream,
 * headers flushed at once and events written as they come (watch-stream.ts: the events
 * of a turn in one write). Errors after the start
 * (e.g. a compacted resourceVersion) are an ERROR event carrying a Status. Each event is
 * encoded once per encoding through the cache, however many watchers share it.
 */
import type { RequestContext } from "../api/request.js";
import { noteFailure } from "../api/failure.js";
import { errors } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import type { WatchEvent } from "../apimachinery/watch.js";
import { EncodeCache } from "./encode-cache.js";
import { WatchStream } from "./watch-stream.js";
import type { Env } from "./env.js";
import type { ListQuery } from "./options.js";
import { outputFor } from "./read.js";
import { toStatus } from "./responses.js";
import { protobufWatchFrame, PROTOBUF_WATCH_MEDIA_TYPE } from "./protobuf.js";
import { parseIncludeObject, partialObjectMetadata, toTable, type IncludeObject } from "./transform.js";

type Encoding =
  | { kind: "json" }
  | { kind: "partial"; version: string }
  | { kind: "table"; version: string; includeObject: IncludeObject };

function encodingName(e: Encoding, header: boolean): string {
  if (e.kind === "json") return "json";
  if (e.kind === "partial") return `partial-${e.version}`;
  return `table-${e.version}-${e.includeObject}${header ? "-h" : ""}`;
}

export async function handleWatch(ctx: RequestContext, env: Env, lq: ListQuery): Promise<void> {
  const { scope, cache } = env;
  const target = outputFor(ctx, true, scope);
  let encoding: Encoding;
  if (target.convert === "Table") encoding = { kind: "table", version: target.convertVersion!, includeObject: parseIncludeObject(ctx.query) };
  else if (target.convert === "PartialObjectMetadata") encoding = { kind: "partial", version: target.convertVersion! };
  else if (target.convert === "PartialObjectMetadataList") {
    throw errors.notAcceptable(["application/json"]);
  } else encoding = { kind: "json" };

  // A watch on /<resource>/<name> (legacy path form) watches that name only
  // (get.go: fields.OneTermEqualSelector, its value escaped as fields.EscapeValue does).
  let fieldSelector = lq.fieldSelector;
  if (ctx.info.name) {
    const byName = `metadata.name=${ctx.info.name.replace(/[\\,=]/g, (c) => `\\${c}`)}`;
    fieldSelector = fieldSelector ? `${fieldSelector},${byName}` : byName;
  }

  // get.go handleWatch: no timeoutSeconds (or 0) takes --min-request-timeout times [1, 2); a negative one
  // is a deadline already past, so the watch ends as soon as it has started
  const min = env.opts.minRequestTimeoutSeconds;
  const requested = lq.timeoutSeconds === undefined ? 0 : watchTimeoutSeconds(ctx.query.get("timeoutSeconds")!);
  const timeoutSeconds = requested ? requested : min + Math.random() * min;
  // setTimeout fires at once for delays beyond 2^31-1 ms: cap (~24.8 days)
  const deadline = Date.now() + Math.min(timeoutSeconds * 1000, 2 ** 31 - 1);
  // options that do not parse are an HTTP error; what fails later is an ERROR event
  const w = await env.store.watch(ctx.info.namespace, { ...lq, fieldSelector }, deadline);

  const res = ctx.res;
  res.statusCode = 200;
  res.setHeader("Content-Type", target.codec ? PROTOBUF_WATCH_MEDIA_TYPE : "application/json");
  if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-cache, private");
  res.flushHeaders();

  let tableHeaderSent = false;
  const codec = target.codec;
  const shared = sharedFrames(`${scope.root}|${codec ? `protobuf-${scope.apiVersion}` : encodingName(encoding, false)}`);
  const encode = (ev: WatchEvent): string | Buffer => {
    if (codec) {
      if (ev.type === "BOOKMARK") return protobufWatchFrame(codec, ev);
      let frame = shared.get(ev);
      if (!frame) shared.set(ev, (frame = protobufWatchFrame(codec, ev)));
      return frame;
    }
    if (ev.type === "BOOKMARK") return bookmarkLine(env, ev.object, encoding);
    let header = false;
    if (encoding.kind === "table" && !tableHeaderSent) {
      header = tableHeaderSent = true;
    }
    if (!header) {
      const frame = shared.get(ev);
      if (frame) return frame;
    }
    const key = EncodeCache.keyOf(scope.root, ev.object, `ev-${ev.type}-${encodingName(encoding, header)}`);
    const line = cache.get(key, () => {
      // A DELETED object is a previous state stamped with the deletion's revision (for a
      // selector it leaves, the same revision as the new state): never share its JSON
      // with the object stored at that revision.
      const objJSON =
        encoding.kind === "json"
          ? ev.type === "DELETED"
            ? JSON.stringify(ev.object)
            : cache.json(scope.root, ev.object)
          : JSON.stringify(
              encoding.kind === "partial"
                ? partialObjectMetadata(ev.object, encoding.version)
                : toTable(scope, [ev.object], { resourceVersion: ev.object.metadata.resourceVersion ?? "" }, {
                    includeObject: encoding.includeObject,
                    version: encoding.version,
                    withHeader: header,
                    dateCells: env.opts.dateCells,
                    now: env.opts.now(),
                  }),
            );
      return `{"type":"${ev.type}","object":${objJSON}}\n`;
    });
    if (header) return line;
    const frame = Buffer.from(line);
    shared.set(ev, frame);
    return frame;
  };

  const errorFrame = (err: unknown): string | Buffer => {
    const status = toStatus(err);
    noteFailure(res, status, err);
    return codec ? codec.encodeWatchEvent("ERROR", status as unknown as Record<string, unknown>) : `{"type":"ERROR","object":${JSON.stringify(status)}}\n`;
  };

  if (timeoutSeconds < 0) {
    w.stop();
    res.end();
    return;
  }

  // The watcher pushes into the stream, which writes to the socket in batches; a slow
  // client stalls only its own watcher, whose bounded buffer then ends it (the client re-watches).
  const stream = new WatchStream(res, encode, errorFrame);
  const stop = () => {
    w.stop();
    stream.end();
  };
  const timer = setTimeout(stop, Math.max(0, deadline - Date.now()));
  timer.unref();
  ctx.signal.addEventListener("abort", stop, { once: true });
  res.once("close", stop);
  try {
    stream.start(w);
    await stream.done;
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", stop);
    res.off("close", stop);
    w.stop();
  }
}

/**
 * Event frames (bytes) of one encoding for the events being fanned out: the watch cache hands
 * every watcher of a kind the same WatchEvent object, so a frame is built (JSON through the
 * EncodeCache, protobuf by the kind's codec) once, and the other watchers find it by identity.
 * Bounded, oldest first: a watcher that reads older events later builds them again.
 */
class RecentFrames {
  private readonly frames = new Map<WatchEvent, Buffer>();
  private size = 0;

  get(ev: WatchEvent): Buffer | undefined {
    return this.frames.get(ev);
  }

  set(ev: WatchEvent, frame: Buffer): void {
    this.frames.set(ev, frame);
    this.size += frame.length;
    for (const [old, oldFrame] of this.frames) {
      if (this.size <= MAX_RECENT_FRAME_BYTES) break;
      this.frames.delete(old);
      this.size -= oldFrame.length;
    }
  }
}

const MAX_RECENT_FRAME_BYTES = 16 * 1024 * 1024;
const framesByEncoding = new Map<string, RecentFrames>();

function sharedFrames(encoding: string): RecentFrames {
  let frames = framesByEncoding.get(encoding);
  if (!frames) framesByEncoding.set(encoding, (frames = new RecentFrames()));
  return frames;
}

/**
 * timeoutSeconds (as written: an int64, checked by parseListQuery) as Go's
 * time.Duration(s) * time.Second: nanoseconds in an int64, whose overflow wraps (so a huge
 * value may come out negative, or 0).
 */
function watchTimeoutSeconds(written: string): number {
  const ns = BigInt.asIntN(64, BigInt(written) * 1_000_000_000n);
  return Number(ns) / 1e9;
}

/** Bookmarks carry only metadata.resourceVersion (and the initial-events-end annotation). */
function bookmarkLine(env: Env, obj: KubeObject, encoding: Encoding): string {
  let object: Record<string, unknown>;
  if (encoding.kind === "json") {
    object = { kind: env.scope.def.kind, apiVersion: env.scope.apiVersion, metadata: obj.metadata };
  } else if (encoding.kind === "partial") {
    object = partialObjectMetadata(obj, encoding.version);
  } else {
    object = { kind: "Table", apiVersion: `meta.k8s.io/${encoding.version}`, metadata: { resourceVersion: obj.metadata.resourceVersion }, columnDefinitions: null, rows: [] };
  }
  return `{"type":"BOOKMARK","object":${JSON.stringify(object)}}\n`;
}
