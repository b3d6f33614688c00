/**
 * A watch response as the sink its watcher pushes events to. kube's cacher hands each
 * event to every watcher's buffer and each watch handler writes its own; here a pushed
 * event is encoded at once (once per encoding for all watchers, through the EncodeCache)
 * and kept, and one flusher for the whole server writes each stream's pending events in
 * ONE socket write: a TLS write costs far more than appending an event, so a stream that
 * got several events since its last write pays for one.
 *
 * The write is one HTTP/1.1 chunk built here (size line, frames, CRLF: the bytes the http
 * layer would frame around them) and handed to the socket as one buffer, so it is copied
 * once, and TLS encrypts it without first joining the pieces. The streams of a fan-out
 * have the same events pending, so a pass builds that chunk once and writes it to each.
 *
 * A TLS write costs tens of microseconds whatever it carries (the record, the syscall, the
 * stream machinery) and the frames one or two, so the flusher passes over the streams
 * with something pending at most every FLUSH_INTERVAL_MS, and no sooner after a pass than
 * that pass took, while events keep coming (the first event after a quiet spell goes out
 * on the next turn): under load each write carries more events and writing takes at most
 * half the event loop, instead of the writes queueing up (streams that lag behind their
 * watchers write full chunks already and do not wait). A pass yields to other requests
 * after PASS_BUDGET_MS (a 1 MB event written to 1,000 watchers takes seconds of TLS work)
 * and goes on in the next turn.
 *
 * Backpressure: a push answers false once the socket holds too much unwritten or too much
 * waits to be written; the watcher then keeps the events (the watch cache's window) and,
 * past its bounded buffer, is ended, so a client that does not read holds back no one else.
 */
import { performance } from "node:perf_hooks";
import type { ServerResponse } from "node:http";
import { deliver, type WatchEvent, type WatchSink, type Watcher } from "../apimachinery/watch.js";

/** Shortest time between two flush passes while streams have events pending. */
const FLUSH_INTERVAL_MS = 10;
/**
 * Idle time after a pass, as a multiple of the time it took: writing takes at most 1 / (1 + this)
 * of the event loop. Not more: on a busy machine a pass takes longer on the clock than on the CPU,
 * and a loop that idles while its streams lag gives its share of the cores away (2 was seconds
 * slower than 1 there, for no less CPU per event).
 */
const IDLE_PER_PASS_TIME = 1;
/**
 * Longest a pass writes before it lets other work run. A pass cut short goes on in the next
 * turn for as long as the other work took in between, up to MAX_SLICE_MS: on a loaded loop
 * (a turn of many requests takes far longer than the budget) writing keeps half of it.
 */
const PASS_BUDGET_MS = 10;
const MAX_SLICE_MS = 50;
/**
 * Pending bytes past which a stream asks its watcher to wait for the next write (the rest
 * waits in the watch cache's window): one TLS record's worth, enough for many events per
 * write. Not more: TLS cuts a larger write into several records, which Node's TLS output
 * buffer keeps in chunks it allocates per connection and frees again; with 500 lagging
 * streams at 64 KB the first seconds of a new server touched twice the memory (25,000 page
 * faults instead of 10,000) and caught up seconds later.
 */
const MAX_PENDING = 16 * 1024;
/**
 * Bytes a socket may hold unsent (the client reads slower than we write) before its stream
 * waits for a drain. Well above the socket's 16 KB highWaterMark, whose `false` a write of a
 * few events already gets: the kernel takes them on the next turn.
 */
const MAX_UNSENT = 256 * 1024;

type Frame = string | Buffer;
type Socket = NonNullable<ServerResponse["socket"]>;

const CRLF = Buffer.from("\r\n");

export class WatchStream implements WatchSink {
  private pending: Buffer[] = [];
  private pendingSize = 0;
  /** In the flusher's queue. */
  private queued = false;
  /** A push answered false: the watcher waits for `resume`. */
  private refused = false;
  /** The socket holds more than MAX_UNSENT: writes wait for its drain. */
  private congested = false;
  private ended = false;
  private resume: () => void = () => {};
  private finished!: () => void;
  /** Settles when the stream has ended (the watch ended or failed, or `end` was called). */
  readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly res: ServerResponse,
    private readonly encode: (ev: WatchEvent) => Frame,
    private readonly errorFrame: (err: unknown) => Frame,
  ) {}

  /** Starts taking `watcher`'s events. */
  start(watcher: Watcher): void {
    this.resume = deliver(watcher, this);
  }

  push(ev: WatchEvent): boolean {
    if (this.ended) return false;
    this.append(this.encode(ev));
    if (!this.queued) {
      this.queued = true;
      flusher.add(this);
    }
    if (this.congested || this.pendingSize >= MAX_PENDING) this.refused = true;
    return !this.refused;
  }

  /** Writes what is pending (and the failure, if any) and ends the response. */
  end(err?: unknown): void {
    if (this.ended) return;
    if (err !== undefined) this.append(this.errorFrame(err));
    this.ended = true;
    this.write();
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
    this.finished();
  }

  private append(frame: Frame): void {
    const bytes = bytesOf(frame);
    this.pending.push(bytes);
    this.pendingSize += bytes.length;
  }

  /**
   * The flusher's turn: one socket write of everything pending. True when the stream lags:
   * its watcher had to wait (the write was full), so more is waiting in the watch cache.
   */
  flush(): boolean {
    this.queued = false;
    if (this.congested) return false; // the drain flushes
    this.write();
    if (this.congested || !this.refused || this.ended) return false;
    this.refused = false;
    this.resume();
    return true;
  }

  private write(): void {
    const res = this.res;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    const size = this.pendingSize;
    this.pending = [];
    this.pendingSize = 0;
    if (res.destroyed || res.writableEnded) return;
    // The socket is this response's once it is assigned (a pipelined response waits in
    // the http layer until those before it finish: there, and for a body that is not
    // chunked, such as HTTP/1.0's, the http layer writes).
    const socket = res.socket;
    if (!socket || !res.chunkedEncoding) {
      if (!res.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending, size)) && !this.ended) this.waitForDrain(res);
      return;
    }
    socket.write(chunks.of(pending, size));
    if (socket.writableLength > MAX_UNSENT && !this.ended) this.waitForDrain(socket);
  }

  private waitForDrain(target: ServerResponse | Socket): void {
    if (this.congested) return;
    this.congested = true;
    target.once("drain", () => {
      this.congested = false;
      if (!this.queued) this.flush();
    });
  }
}

/** Bytes are what a write copies cheaply: a joined string is a V8 heap object per stream per write, and the socket encodes it again. */
function bytesOf(frame: Frame): Buffer {
  return typeof frame === "string" ? Buffer.from(frame) : frame;
}

/**
 * HTTP/1.1 chunks of pending frames, the last one kept: streams fed by one fan-out have
 * the same frames pending, so the streams of a pass share one buffer. The flusher clears
 * it after each pass, so no write holds on to a stale chunk.
 */
class ChunkBuilder {
  private frames: Buffer[] = [];
  private chunk: Buffer | undefined;

  of(frames: Buffer[], size: number): Buffer {
    if (this.chunk && sameFrames(frames, this.frames)) return this.chunk;
    const sizeLine = `${size.toString(16)}\r\n`;
    const chunk = Buffer.allocUnsafe(sizeLine.length + size + CRLF.length);
    let at = chunk.write(sizeLine, "latin1");
    for (const frame of frames) at += frame.copy(chunk, at);
    CRLF.copy(chunk, at);
    this.frames = frames;
    this.chunk = chunk;
    return chunk;
  }

  clear(): void {
    this.frames = [];
    this.chunk = undefined;
  }
}

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const chunks = new ChunkBuilder();

/** Writes the streams with pending events, a bounded amount of work per event-loop turn. */
class Flusher {
  private queue: WatchStream[] = [];
  private scheduled = false;
  /** When the next pass may start. */
  private nextPass = -Infinity;
  /** Streams at the head of the queue the running pass has yet to write, and its time so far (it may span turns). */
  private due = 0;
  private work = 0;
  /** The running pass wrote a stream that lags. */
  private lagging = false;
  /** When the running pass last stopped for other work. */
  private cutAt = 0;

  add(stream: WatchStream): void {
    this.queue.push(stream);
    this.schedule(false);
  }

  private schedule(now: boolean): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = now ? 0 : this.nextPass - performance.now();
    if (wait >= 1) setTimeout(() => this.pass(), wait);
    else setImmediate(() => this.pass());
  }

  private pass(): void {
    this.scheduled = false;
    // A new pass writes the streams queued so far; those queued meanwhile (a resumed watcher
    // pushing again) wait for the next one.
    const start = performance.now();
    const budget = this.due === 0 ? PASS_BUDGET_MS : Math.min(MAX_SLICE_MS, Math.max(PASS_BUDGET_MS, start - this.cutAt));
    if (this.due === 0) this.due = this.queue.length;
    let i = 0;
    while (i < this.due) {
      if (this.queue[i++]!.flush()) this.lagging = true;
      if (performance.now() - start >= budget) break;
    }
    chunks.clear();
    this.queue = this.queue.slice(i);
    this.due -= i;
    const end = performance.now();
    this.work += end - start;
    // Cut short by the budget: go on in the next turn.
    if (this.due > 0) {
      this.cutAt = end;
      return this.schedule(true);
    }
    // Idling batches events into fewer writes; a lagging stream's write is already full, and
    // idling would only hold back its catching up.
    this.nextPass = end + (this.lagging ? FLUSH_INTERVAL_MS : Math.max(FLUSH_INTERVAL_MS, IDLE_PER_PASS_TIME * this.work));
    this.work = 0;
    this.lagging = false;
    if (this.queue.length > 0) this.schedule(false);
  }
}

const flusher = new Flusher();
