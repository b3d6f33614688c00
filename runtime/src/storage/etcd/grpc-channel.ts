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
import { encodeHeaders } from "./hpack.js";
import { H2Session, type H2Stream } from "./h2-session.js";

export interface ChannelCredentials {
  rootCertificate: Buffer;
  certChain?: Buffer;
  privateKey?: Buffer;
}

/** gRPC's length-prefixed message framing: a compressed flag and a 4-byte length. */
const FRAME_HEADER = 5;

/** A call that never reached etcd: safe to send on a fresh connection. */
class Unsent extends Error {}

export class GrpcChannel {
  private session: H2Session | undefined;
  private connecting: Promise<H2Session> | undefined;
  /** The member to dial first: the last one that answered. */
  private preferred = 0;
  private closed = false;
  /** Request header blocks by path, for the connected member (all but grpc-timeout). */
  private readonly headerBlocks = new Map<string, Buffer>();

  constructor(
    private readonly hosts: string[],
    private readonly credentials: ChannelCredentials | undefined,
    private readonly dialTimeoutMs: number,
  ) {}

  /** Sends `message` to `path` (`/etcdserverpb.KV/Txn`) and resolves with the answer's message. */
  async call(path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    const body = Buffer.allocUnsafe(FRAME_HEADER + message.length);
    body[0] = 0;
    body.writeUInt32BE(message.length, 1);
    message.copy(body, FRAME_HEADER);
    for (let attempt = 0; ; attempt++) {
      const session = await this.connected();
      try {
        return await this.send(session, path, body, deadline);
      } catch (err) {
        if (!(err instanceof Unsent) || attempt > 0 || Date.now() >= deadline) throw err;
      }
    }
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private send(session: H2Session, path: string, body: Buffer, deadline: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status: string | undefined;
      let statusMessage = "";
      let httpStatus: string | undefined;
      let settled = false;
      const settle = (err: Error | undefined, answer?: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(answer!);
      };
      const finish = () => {
        if (status === "0") {
          const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          const length = data.length >= FRAME_HEADER ? data.readUInt32BE(1) : -1;
          if (data[0] === 0 && data.length === FRAME_HEADER + length) return settle(undefined, data.subarray(FRAME_HEADER));
          return settle(new Error("etcd answer: malformed gRPC message"));
        }
        if (status !== undefined) return settle(new Error(statusMessage || `gRPC status ${status}`));
        settle(new Error(`etcd answered without a gRPC status (HTTP ${httpStatus ?? "?"})`));
      };
      let stream: H2Stream;
      try {
        stream = session.request(
          Buffer.concat([this.headerBlock(path), encodeHeaders([["grpc-timeout", `${Math.max(1, deadline - Date.now())}m`]])]),
          {
            onHeaders: (fields, end) => {
              for (const [name, value] of fields) {
                if (name === ":status") httpStatus = value;
                else if (name === "grpc-status") status = value;
                else if (name === "grpc-message") statusMessage = percentDecoded(value);
              }
              if (end) finish();
            },
            onData: (chunk, end) => {
              chunks.push(chunk);
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

  private headerBlock(path: string): Buffer {
    let block = this.headerBlocks.get(path);
    if (!block) {
      const url = new URL(this.hosts[this.preferred]!);
      block = encodeHeaders([
        [":method", "POST"],
        [":scheme", url.protocol.slice(0, -1)],
        [":path", path],
        [":authority", url.host],
        ["content-type", "application/grpc"],
        ["te", "trailers"],
      ]);
      this.headerBlocks.set(path, block);
    }
    return block;
  }

  private connected(): Promise<H2Session> {
    if (this.closed) return Promise.reject(new Error("etcd client closed"));
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
        if (this.closed) {
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
