/**
 * The server end of a SPDY/3.1 connection, as kube's streaming server runs
 * github.com/moby/spdystream: the client opens every stream (SYN_STREAM), the server
 * answers each with an empty SYN_REPLY before handing it on; DATA goes to its stream,
 * FIN or RST_STREAM ends the stream's input; PINGs are echoed; SETTINGS and WINDOW_UPDATE
 * are read and ignored (spdystream keeps no flow-control windows either).
 */
import type { Duplex } from "node:stream";
import {
  ControlType,
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FLAG_FIN,
  type Frame,
  goAway,
  MAX_PAYLOAD,
  readFrames,
  STREAM_HEADERS_AT,
  streamIdOf,
  SYN_STREAM_HEADERS_AT,
  synReply,
} from "./frames.js";
import { HeaderCompression } from "./headers.js";

/** One stream the client opened: its headers, its input, and our half to write to. */
export class SpdyStream {
  /** Data the client sent on the stream. */
  onData: (data: Buffer) => void = () => {};
  /** The client's half ended (FIN or reset). */
  onEnd: () => void = () => {};
  private inputEnded = false;
  private outputEnded = false;

  constructor(
    readonly id: number,
    /** Lower-case names, first value of each. */
    readonly headers: ReadonlyMap<string, string>,
    private readonly conn: SpdyConnection,
  ) {}

  write(data: Buffer | string): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (let at = 0; at < bytes.length && !this.outputEnded; at += MAX_PAYLOAD) this.conn.send(dataFrame(this.id, bytes.subarray(at, at + MAX_PAYLOAD)));
  }

  /** Ends our half (an empty DATA frame with FIN). */
  end(): void {
    if (this.outputEnded) return;
    this.outputEnded = true;
    this.conn.send(dataFrame(this.id, Buffer.alloc(0), FLAG_FIN));
  }

  /** The client's half ended (FIN). */
  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.onEnd();
  }

  /** The client reset the stream: nothing more comes or may be sent. */
  reset(): void {
    this.outputEnded = true;
    this.endInput();
  }
}

export class SpdyConnection {
  /** Settles when the socket is closed. */
  readonly closed: Promise<void>;
  private pending = Buffer.alloc(0);
  private work: Promise<void> = Promise.resolve();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly compression = new HeaderCompression();
  private lastStreamId = 0;

  /** `head`: bytes that arrived with the upgrade request; `onStream` gets each stream once it is answered. */
  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {
    this.closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    void this.closed.then(() => this.compression.close());
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    if (head.length) this.receive(head);
  }

  /** Bytes written and not yet sent. */
  get backlog(): number {
    return this.socket.writableLength;
  }

  onceDrained(resume: () => void): void {
    this.socket.once("drain", resume);
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  send(frame: Buffer): void {
    if (this.socket.writable) this.socket.write(frame);
  }

  /** GOAWAY (no more streams), then the end of our side of the socket. */
  close(): void {
    this.send(goAway(this.lastStreamId));
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    const { frames, rest } = readFrames(this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk);
    this.pending = Buffer.from(rest);
    // header blocks decompress asynchronously; frames are handled strictly in order
    for (const frame of frames) {
      this.work = this.work
        .then(() => this.handle(frame))
        .catch(() => {
          this.socket.destroy();
        });
    }
  }

  private async handle(frame: Frame): Promise<void> {
    const p = frame.payload;
    if (!frame.control) {
      const stream = this.streams.get(frame.streamId);
      if (!stream) return;
      if (p.length) stream.onData(p);
      if (frame.flags & FLAG_FIN) stream.endInput();
      return;
    }
    switch (frame.type) {
      case ControlType.SynStream: {
        const id = streamIdOf(p);
        const headers = decodeHeaderBlock(await this.compression.decompress(p.subarray(SYN_STREAM_HEADERS_AT)));
        const stream = new SpdyStream(id, headers, this);
        this.streams.set(id, stream);
        this.lastStreamId = id;
        this.send(synReply(id, await this.compression.compress(encodeHeaderBlock({}))));
        this.onStream(stream);
        if (frame.flags & FLAG_FIN) stream.endInput();
        return;
      }
      case ControlType.SynReply:
      case ControlType.Headers:
        // nothing to act on, but the block must pass through the decompressor to keep it in step
        await this.compression.decompress(p.subarray(STREAM_HEADERS_AT));
        return;
      case ControlType.RstStream:
        this.streams.get(streamIdOf(p))?.reset();
        return;
      case ControlType.Ping:
        this.send(controlFrame(ControlType.Ping, 0, p));
        return;
    }
  }
}
