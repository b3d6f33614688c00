/**
 * gRPC calls to etcd over one HTTP/2 connection of our own (h2-session.ts), for the write path.
 * grpc-js (under etcd3) spends more CPU per call (interceptors, resolving and load-balancing
 * calls, a retry policy, a circuit breaker) than etcd spends applying the write, and
 * node:http2 more per stream than the rest of the call; a write needs none of it.
 * Concurrent calls are streams of the one connection.
 *
 * A call is sent at most once: it goes to another connection only when etcd never saw it
 * (the member could not be connected to, or it refused the stream with GOAWAY). A call
 * whose answer is lost (member killed, deadline) fails; it may have committed, so retrying
 * it blindly could turn a successful create into "already exists". The caller answers a
 * retryable 504, as kube's etcd client does.
 */
import { encodeHeaders, type HeaderField } from "./hpack.js";
import { H2Session, type H2Stream, type H2StreamEvents } from "./h2-session.js";

export interface ChannelCredentials {
  rootCertificate: Buffer;
  certChain?: Buffer;
  privateKey?: Buffer;
}

/** gRPC's length-prefixed message framing: a compressed flag and a 4-byte length. */
const FRAME_HEADER = 5;

/** A call that never reached etcd: safe to send on a fresh connection. */
class Unsent extends Error {}

/** A bidirectional streaming call (etcd's Watch). */
export interface GrpcStream {
  send(message: Buffer): void;
  /** Ends the call from this side; no event follows. */
  cancel(): void;
}

export interface GrpcStreamEvents {
  onMessage(message: Buffer): void;
  /** The call ended: with etcd's status, or the connection lost. Called once. */
  onEnd(err: Error): void;
}

/** The response side of one call: status from headers or trailers, messages from DATA. */
class ResponseReader {
  status: string | undefined;
  statusMessage = "";
  private httpStatus: string | undefined;
  private pending: Buffer | undefined;

  constructor(private readonly onMessage: (message: Buffer) => void) {}

  headers(fields: readonly HeaderField[]): void {
    for (const [name, value] of fields) {
      if (name === ":status") this.httpStatus = value;
      else if (name === "grpc-status") this.status = value;
      else if (name === "grpc-message") this.statusMessage = percentDecoded(value);
    }
  }

  /** Splits DATA into messages, which may span frames. */
  data(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    while (buf.length >= FRAME_HEADER) {
      if (buf[0] !== 0) throw new Error("etcd answer: compressed gRPC message");
      const end = FRAME_HEADER + buf.readUInt32BE(1);
      if (buf.length < end) break;
      this.onMessage(buf.subarray(FRAME_HEADER, end));
      buf = buf.subarray(end);
    }
    if (buf.length > 0) this.pending = buf;
  }

  /** Why the call ended, once it has: undefined for success. */
  failure(): Error | undefined {
    if (this.status === "0") return this.pending ? new Error("etcd answer: malformed gRPC message") : undefined;
    if (this.status !== undefined) return new Error(this.statusMessage || `gRPC status ${this.status}`);
    return new Error(`etcd answered without a gRPC status (HTTP ${this.httpStatus ?? "?"})`);
  }
}

function framed(message: Buffer): Buffer {
  const body = Buffer.allocUnsafe(FRAME_HEADER + message.length);
  body[0] = 0;
  body.writeUInt32BE(message.length, 1);
  message.copy(body, FRAME_HEADER);
  return body;
}

export class GrpcChannel {
  private session: H2Session | undefined;
  private connecting: Promise<H2Session> | undefined;
  /** The member to dial first: the last one that answered. */
  private preferred = 0;
  private shut = false;
  /** Request header blocks by path and timeout, for the connected member (see headerBlock). */
  private readonly headerBlocks = new Map<string, Buffer>();

  constructor(
    private readonly hosts: string[],
    private readonly credentials: ChannelCredentials | undefined,
    private readonly dialTimeoutMs: number,
  ) {}

  /** Sends `message` to `path` (`/etcdserverpb.KV/Txn`) and resolves with the answer's message. */
  async call(path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    const body = framed(message);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.unary(await this.connected(), path, body, deadline);
      } catch (err) {
        if (!(err instanceof Unsent) || attempt > 0 || Date.now() >= deadline) throw err;
      }
    }
  }

  /** Opens a streaming call to `path` (`/etcdserverpb.Watch/Watch`), without a deadline. */
  async open(path: string, events: GrpcStreamEvents): Promise<GrpcStream> {
    let ended = false;
    const end = (err: Error) => {
      if (ended) return;
      ended = true;
      events.onEnd(err);
    };
    const reader = new ResponseReader((message) => !ended && events.onMessage(message));
    let stream: H2Stream | undefined;
    const handlers: H2StreamEvents = {
      onHeaders: (fields, last) => {
        reader.headers(fields);
        if (last) end(reader.failure() ?? new Error("etcd ended the stream"));
      },
      onData: (chunk, last) => {
        try {
          reader.data(chunk);
        } catch (err) {
          stream?.cancel();
          return end(err as Error);
        }
        if (last) end(new Error("etcd ended the stream without a status"));
      },
      onReset: (err) => end(err),
    };
    for (let attempt = 0; ; attempt++) {
      const session = await this.connected();
      try {
        stream = session.request(this.headerBlock(path), handlers, undefined, false);
        const opened = stream;
        return {
          send: (message) => opened.write(framed(message), false),
          cancel: () => {
            ended = true;
            opened.cancel();
          },
        };
      } catch (err) {
        this.drop(session);
        if (attempt > 0) throw err;
      }
    }
  }

  /** True once closed: calls fail, streams end. */
  get closed(): boolean {
    return this.shut;
  }

  close(): void {
    this.shut = true;
    this.session?.close();
    this.session = undefined;
  }

  private unary(session: H2Session, path: string, body: Buffer, deadline: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let answer: Buffer | undefined;
      let extra = false;
      const reader = new ResponseReader((message) => {
        extra = answer !== undefined;
        answer = message;
      });
      let settled = false;
      const settle = (err: Error | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(answer!);
      };
      const finish = () => {
        const err = reader.failure();
        if (err) return settle(err);
        settle(answer && !extra ? undefined : new Error("etcd answer: expected one gRPC message"));
      };
      let stream: H2Stream;
      try {
        stream = session.request(
          this.headerBlock(path, deadline - Date.now()),
          {
            onHeaders: (fields, end) => {
              reader.headers(fields);
              if (end) finish();
            },
            onData: (chunk, end) => {
              try {
                reader.data(chunk);
              } catch (err) {
                stream.cancel();
                return settle(err as Error);
              }
              if (end) finish();
            },
            onReset: (err, unprocessed) => settle(unprocessed ? new Unsent(err.message) : err),
          },
          body,
          true,
        );
      } catch (err) {
        // The session was going away (GOAWAY, stream ids used up): nothing was sent.
        this.drop(session);
        return settle(new Unsent((err as Error).message));
      }
      // A member silent past a deadline may be unreachable without the connection noticing
      // (no reset arrives through a partition): new calls dial again, which also finds the next member.
      const timer = setTimeout(() => {
        stream.cancel();
        this.drop(session);
        settle(new Error("context deadline exceeded"));
      }, Math.max(0, deadline - Date.now()));
    });
  }

  /**
   * The request's header block, cached by path and timeout: `grpc-timeout` (etcd gives up at
   * the deadline too) is rounded up to 100 ms, so a handful of blocks serve every call.
   */
  private headerBlock(path: string, timeoutMs?: number): Buffer {
    const timeout = timeoutMs === undefined ? undefined : `${Math.max(1, Math.ceil(timeoutMs / 100)) * 100}m`;
    const cacheKey = timeout ? `${path} ${timeout}` : path;
    let block = this.headerBlocks.get(cacheKey);
    if (!block) {
      const url = new URL(this.hosts[this.preferred]!);
      const fields: HeaderField[] = [
        [":method", "POST"],
        [":scheme", url.protocol.slice(0, -1)],
        [":path", path],
        [":authority", url.host],
        ["content-type", "application/grpc"],
        ["te", "trailers"],
      ];
      if (timeout) fields.push(["grpc-timeout", timeout]);
      block = encodeHeaders(fields);
      this.headerBlocks.set(cacheKey, block);
    }
    return block;
  }

  private connected(): Promise<H2Session> {
    if (this.shut) return Promise.reject(new Error("etcd client closed"));
    const s = this.session;
    if (s?.usable) return Promise.resolve(s);
    this.connecting ??= this.dial().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Connects to the preferred member, else to each other one in turn. */
  private async dial(): Promise<H2Session> {
    const errors: string[] = [];
    const creds = this.credentials;
    const tls = creds && { ca: creds.rootCertificate, cert: creds.certChain, key: creds.privateKey };
    for (let i = 0; i < this.hosts.length; i++) {
      const index = (this.preferred + i) % this.hosts.length;
      try {
        const session = await H2Session.connect(this.hosts[index]!, { tls, timeoutMs: this.dialTimeoutMs });
        if (this.shut) {
          session.close();
          throw new Error("etcd client closed");
        }
        if (index !== this.preferred) this.headerBlocks.clear(); // :authority names the member
        this.preferred = index;
        this.session = session;
        // Whatever ends the connection later, the next call dials again (its own calls fail on their streams).
        session.onUnusable(() => this.drop(session));
        return session;
      } catch (err) {
        errors.push(`${this.hosts[index]}: ${(err as Error).message}`);
      }
    }
    throw new Error(`No connection established to etcd (${errors.join("; ")})`);
  }

  /** Stops sending new calls on `session`; its calls in flight finish, then it closes. */
  private drop(session: H2Session): void {
    if (this.session === session) this.session = undefined;
    session.retire();
  }
}

function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
