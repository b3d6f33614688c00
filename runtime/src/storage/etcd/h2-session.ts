/**
 * A minimal HTTP/2 client connection (RFC 9113) for gRPC calls to an etcd member.
 *
 * node:http2 spends more CPU opening a stream (a Duplex, an AsyncResource, header validation,
 * events through nextTick) than etcd spends applying a write, and every etcd write is a stream.
 * gRPC needs little of HTTP/2: requests of one header block and a body, answers of headers,
 * data and trailers. This speaks exactly that over one socket: frames parsed in place, header
 * blocks through hpack.ts, flow control both ways, PING answered, SETTINGS and GOAWAY obeyed.
 * It sends no priorities, accepts no pushes and never pings. Streams beyond the member's
 * SETTINGS_MAX_CONCURRENT_STREAMS wait for one to end, as grpc-go's client queues them.
 *
 * Outgoing frames of one event-loop turn go out in one socket write (setImmediate): the writes
 * of every request that arrived in the same poll phase share one system call.
 */
import net from "node:net";
import tls from "node:tls";
import { HpackDecoder, type HeaderField } from "./hpack.js";

export interface H2StreamEvents {
  /** A header block: the response headers, or the trailers (`endStream`). */
  onHeaders(fields: HeaderField[], endStream: boolean): void;
  onData(chunk: Buffer, endStream: boolean): void;
  /**
   * The stream ended without its answer: reset by the server or the connection lost.
   * `unprocessed`: the server says it never acted on the request (GOAWAY past it, REFUSED_STREAM).
   */
  onReset(err: Error, unprocessed: boolean): void;
}

export interface H2ConnectOptions {
  /** TLS material for an `https:` member (the system's CAs without it). */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  timeoutMs: number;
}

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const FRAME_HEADER = 9;
const DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, PUSH_PROMISE = 0x5, PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
const END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20;
const SETTINGS_ENABLE_PUSH = 0x2, SETTINGS_MAX_CONCURRENT_STREAMS = 0x3, SETTINGS_INITIAL_WINDOW_SIZE = 0x4, SETTINGS_MAX_FRAME_SIZE = 0x5;
const CANCEL = 0x8, REFUSED_STREAM = 0x7;
const MAX_STREAM_ID = 2 ** 31 - 1;
/** What this side lets the server send ahead, per stream and in all; credit is returned once half is used. */
const RECEIVE_WINDOW = 16 * 1024 * 1024;
const DEFAULT_WINDOW = 65_535;

export class H2Stream {
  /** 0 until the stream is opened (it may wait for the member's concurrent-stream limit). */
  id = 0;
  /** How much DATA the server lets this stream send now (set when it opens). */
  sendWindow = 0;
  /** Body not yet sent for want of flow-control credit. */
  readonly pending: Buffer[] = [];
  pendingEnd = false;
  /** Received DATA octets not yet credited back to the server. */
  uncredited = 0;
  closed = false;

  constructor(
    private readonly session: H2Session,
    /** The request's header block, sent when the stream opens. */
    readonly headers: Buffer,
    readonly events: H2StreamEvents,
  ) {}

  /** Queues body bytes (sent as flow control allows); `end` half-closes the stream. */
  write(data: Buffer, end: boolean): void {
    if (this.closed || this.pendingEnd) return;
    if (data.length > 0) this.pending.push(data);
    this.pendingEnd = end;
    this.session.pump(this);
  }

  /** Abandons the stream (RST_STREAM CANCEL once opened); no event follows. */
  cancel(): void {
    if (this.closed) return;
    this.session.forget(this);
    if (this.id !== 0) this.session.frame(RST_STREAM, 0, this.id, u32(CANCEL));
  }
}

export class H2Session {
  private readonly streams = new Map<number, H2Stream>();
  /** Streams waiting for the member's concurrent-stream limit, in order. */
  private waiting: H2Stream[] = [];
  private peerMaxStreams = Infinity;
  private readonly blocked = new Set<H2Stream>();
  private readonly decoder = new HpackDecoder();
  private nextId = 1;
  private sendWindow = DEFAULT_WINDOW;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = 16_384;
  private uncredited = 0;
  private input: Buffer | undefined;
  /** A header block spread over CONTINUATION frames: its stream, flags and fragments. */
  private headerBlock: { id: number; flags: number; fragments: Buffer[] } | undefined;
  private out: Buffer[] = [];
  private goingAway = false;
  private ended = false;
  private readonly closeListeners: (() => void)[] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", (err) => this.destroy(err));
    socket.on("close", () => this.destroy(new Error("etcd connection closed")));
    socket.write(PREFACE);
    const settings = Buffer.alloc(12);
    settings.writeUInt16BE(SETTINGS_ENABLE_PUSH, 0);
    settings.writeUInt32BE(0, 2);
    settings.writeUInt16BE(SETTINGS_INITIAL_WINDOW_SIZE, 6);
    settings.writeUInt32BE(RECEIVE_WINDOW, 8);
    this.frame(SETTINGS, 0, 0, settings);
    this.frame(WINDOW_UPDATE, 0, 0, u32(RECEIVE_WINDOW - DEFAULT_WINDOW));
  }

  /** Connects to `url` (`http://host:port` or `https://...`, ALPN h2) within `timeoutMs`. */
  static connect(url: string, opts: H2ConnectOptions): Promise<H2Session> {
    const { hostname, port } = new URL(url);
    const host = hostname.replace(/^\[|\]$/g, "");
    return new Promise((resolve, reject) => {
      const secure = url.startsWith("https:");
      const socket = secure
        ? tls.connect({ host, port: Number(port), ...opts.tls, ALPNProtocols: ["h2"], servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port: Number(port) });
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no connection within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      socket.once("error", fail);
      socket.once(secure ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.off("error", fail);
        if (secure && (socket as tls.TLSSocket).alpnProtocol !== "h2") return fail(new Error(`${url} does not speak HTTP/2`));
        resolve(new H2Session(socket));
      });
    });
  }

  /** True while new streams may be opened. */
  get usable(): boolean {
    return !this.ended && !this.goingAway && this.nextId <= MAX_STREAM_ID;
  }

  /** Called once, when the connection is gone or going away (GOAWAY): new requests need another one. */
  onUnusable(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /**
   * Opens a stream with `headers` (pseudo-headers first) and sends `body` (`end`: nothing more).
   * Throws, having sent nothing, when the session takes no new streams (see `usable`).
   */
  request(headers: Buffer, events: H2StreamEvents, body: Buffer | undefined, end: boolean): H2Stream {
    if (!this.usable) throw new Error("etcd connection is going away");
    const stream = new H2Stream(this, headers, events);
    if (this.streams.size < this.peerMaxStreams) this.open(stream);
    else this.waiting.push(stream);
    if (body || end) stream.write(body ?? Buffer.alloc(0), end);
    return stream;
  }

  private open(stream: H2Stream): void {
    stream.id = this.nextId;
    stream.sendWindow = this.peerInitialWindow;
    this.nextId += 2;
    this.streams.set(stream.id, stream);
    this.frame(HEADERS, END_HEADERS, stream.id, stream.headers);
    this.pump(stream);
    if (this.nextId > MAX_STREAM_ID) this.goAway();
  }

  /** Takes no new streams; closes once those open have ended. */
  retire(): void {
    this.goAway();
    if (this.streams.size === 0) this.destroy(new Error("etcd connection retired"));
  }

  /** Closes the connection; open streams are reset. */
  close(): void {
    this.destroy(new Error("etcd client closed"));
  }

  /** @internal Sends what flow control allows of `stream`'s pending body. */
  pump(stream: H2Stream): void {
    while (stream.id !== 0 && !stream.closed && (stream.pending.length > 0 || stream.pendingEnd)) {
      const next = stream.pending[0];
      if (!next) {
        stream.pendingEnd = false;
        this.frame(DATA, END_STREAM, stream.id, undefined);
        return;
      }
      const allowed = Math.min(this.sendWindow, stream.sendWindow, this.peerMaxFrame);
      if (allowed <= 0) {
        this.blocked.add(stream);
        return;
      }
      const chunk = next.length <= allowed ? next : next.subarray(0, allowed);
      if (chunk === next) stream.pending.shift();
      else stream.pending[0] = next.subarray(allowed);
      this.sendWindow -= chunk.length;
      stream.sendWindow -= chunk.length;
      const last = stream.pending.length === 0 && stream.pendingEnd;
      if (last) stream.pendingEnd = false;
      this.frame(DATA, last ? END_STREAM : 0, stream.id, chunk);
    }
    this.blocked.delete(stream);
  }

  /** @internal */
  forget(stream: H2Stream): void {
    stream.closed = true;
    if (stream.id === 0) {
      this.waiting = this.waiting.filter((s) => s !== stream);
      return;
    }
    this.streams.delete(stream.id);
    this.blocked.delete(stream);
    if (this.goingAway && this.streams.size === 0) this.destroy(new Error("etcd connection went away"));
    this.openWaiting();
  }

  private openWaiting(): void {
    while (!this.goingAway && this.waiting.length > 0 && this.streams.size < this.peerMaxStreams) this.open(this.waiting.shift()!);
  }

  /** @internal Queues a frame; the turn's frames are written together. */
  frame(type: number, flags: number, id: number, payload: Buffer | undefined): void {
    if (this.ended) return;
    const header = Buffer.allocUnsafe(FRAME_HEADER);
    const length = payload?.length ?? 0;
    header.writeUIntBE(length, 0, 3);
    header[3] = type;
    header[4] = flags;
    header.writeUInt32BE(id, 5);
    if (this.out.length === 0) setImmediate(() => this.flush());
    this.out.push(header);
    if (payload && length > 0) this.out.push(payload);
  }

  private flush(): void {
    const out = this.out;
    this.out = [];
    if (this.ended || out.length === 0) return;
    this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  }

  private receive(chunk: Buffer): void {
    let buf = this.input ? Buffer.concat([this.input, chunk]) : chunk;
    this.input = undefined;
    let at = 0;
    while (!this.ended && buf.length - at >= FRAME_HEADER) {
      const length = buf.readUIntBE(at, 3);
      if (buf.length - at < FRAME_HEADER + length) break;
      const type = buf[at + 3]!;
      const flags = buf[at + 4]!;
      const id = buf.readUInt32BE(at + 5) & MAX_STREAM_ID;
      const payload = buf.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length);
      at += FRAME_HEADER + length;
      try {
        this.handle(type, flags, id, payload);
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
    }
    if (at < buf.length) this.input = buf.subarray(at);
  }

  private handle(type: number, flags: number, id: number, payload: Buffer): void {
    if (this.headerBlock && type !== CONTINUATION) throw new Error("http2: expected CONTINUATION");
    switch (type) {
      case DATA:
        return this.data(flags, id, payload);
      case HEADERS: {
        let block = unpadded(flags, payload);
        if (flags & PRIORITY) block = block.subarray(5);
        this.headerBlock = { id, flags, fragments: [block] };
        if (flags & END_HEADERS) this.headersDone();
        return;
      }
      case CONTINUATION:
        if (!this.headerBlock || this.headerBlock.id !== id) throw new Error("http2: unexpected CONTINUATION");
        this.headerBlock.fragments.push(payload);
        if (flags & END_HEADERS) this.headersDone();
        return;
      case RST_STREAM: {
        const stream = this.streams.get(id);
        if (!stream) return;
        const code = payload.readUInt32BE(0);
        this.forget(stream);
        stream.events.onReset(new Error(`etcd reset the stream (HTTP/2 error ${code})`), code === REFUSED_STREAM);
        return;
      }
      case SETTINGS:
        if (flags & ACK) return;
        for (let i = 0; i + 6 <= payload.length; i += 6) this.setting(payload.readUInt16BE(i), payload.readUInt32BE(i + 2));
        this.frame(SETTINGS, ACK, 0, undefined);
        for (const s of [...this.blocked]) this.pump(s);
        this.openWaiting();
        return;
      case PING:
        if (!(flags & ACK)) this.frame(PING, ACK, 0, Buffer.from(payload));
        return;
      case GOAWAY: {
        const last = payload.readUInt32BE(0) & MAX_STREAM_ID;
        this.goAway();
        for (const stream of [...this.streams.values()]) {
          if (stream.id <= last) continue;
          this.forget(stream);
          stream.events.onReset(new Error("etcd closed the connection before the call"), true);
        }
        if (this.streams.size === 0) this.destroy(new Error("etcd connection went away"));
        return;
      }
      case WINDOW_UPDATE: {
        const increment = payload.readUInt32BE(0) & MAX_STREAM_ID;
        if (id === 0) {
          this.sendWindow += increment;
          for (const s of [...this.blocked]) this.pump(s);
        } else {
          const stream = this.streams.get(id);
          if (!stream) return;
          stream.sendWindow += increment;
          this.pump(stream);
        }
        return;
      }
      case PUSH_PROMISE:
        throw new Error("http2: push is disabled");
      default:
        return; // PRIORITY and unknown frame types are ignored
    }
  }

  private setting(id: number, value: number): void {
    if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
      const delta = value - this.peerInitialWindow;
      this.peerInitialWindow = value;
      for (const s of this.streams.values()) s.sendWindow += delta;
    } else if (id === SETTINGS_MAX_FRAME_SIZE) {
      this.peerMaxFrame = value;
    } else if (id === SETTINGS_MAX_CONCURRENT_STREAMS) {
      this.peerMaxStreams = value;
    }
  }

  private data(flags: number, id: number, payload: Buffer): void {
    // Every DATA frame counts against the connection's window, even one of a stream already forgotten.
    this.uncredited += payload.length;
    if (this.uncredited >= RECEIVE_WINDOW / 2) {
      this.frame(WINDOW_UPDATE, 0, 0, u32(this.uncredited));
      this.uncredited = 0;
    }
    const stream = this.streams.get(id);
    if (!stream) return;
    const end = (flags & END_STREAM) !== 0;
    if (end) this.forget(stream);
    else {
      stream.uncredited += payload.length;
      if (stream.uncredited >= RECEIVE_WINDOW / 2) {
        this.frame(WINDOW_UPDATE, 0, id, u32(stream.uncredited));
        stream.uncredited = 0;
      }
    }
    stream.events.onData(unpadded(flags, payload), end);
  }

  private headersDone(): void {
    const { id, flags, fragments } = this.headerBlock!;
    this.headerBlock = undefined;
    // Decoded even for a forgotten stream: the block may change the decoder's table.
    const fields = this.decoder.decode(fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments));
    const stream = this.streams.get(id);
    if (!stream) return;
    const end = (flags & END_STREAM) !== 0;
    if (end) this.forget(stream);
    stream.events.onHeaders(fields, end);
  }

  /** Takes no new streams; those still waiting to open were never sent. */
  private goAway(): void {
    if (this.goingAway) return;
    this.goingAway = true;
    for (const stream of this.waiting.splice(0)) {
      stream.closed = true;
      stream.events.onReset(new Error("etcd connection is going away"), true);
    }
    this.notifyUnusable();
  }

  private destroy(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.out = [];
    this.socket.destroy();
    const open = [...this.streams.values()];
    const waiting = this.waiting.splice(0);
    this.streams.clear();
    this.blocked.clear();
    for (const stream of open) {
      stream.closed = true;
      stream.events.onReset(err, false);
    }
    for (const stream of waiting) {
      stream.closed = true;
      stream.events.onReset(err, true);
    }
    this.notifyUnusable();
  }

  private notifyUnusable(): void {
    const listeners = this.closeListeners.splice(0);
    for (const l of listeners) l();
  }
}

function u32(value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(value, 0);
  return b;
}

/** A DATA or HEADERS payload without its padding. */
function unpadded(flags: number, payload: Buffer): Buffer {
  if (!(flags & PADDED)) return payload;
  const pad = payload[0]!;
  if (pad >= payload.length) throw new Error("http2: bad padding");
  return payload.subarray(1, payload.length - pad);
}
