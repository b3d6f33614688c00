/**
 * Unary gRPC calls over one HTTP/2 connection to an etcd member, for the write path.
 * grpc-js (under etcd3) spends more CPU per call (interceptors, resolving and load-balancing
 * calls, a retry policy, a circuit breaker) than etcd spends applying the write; a write
 * needs none of it. Concurrent calls are streams of the one connection.
 *
 * A call is sent at most once: only a member that could not be connected to (so nothing
 * was sent) is passed over for the next one. A call whose answer is lost (member killed,
 * deadline) fails; it may have committed, so retrying it blindly could turn a successful
 * create into "already exists". The caller answers a retryable 504, as kube's etcd client does.
 */
import http2 from "node:http2";

export interface ChannelCredentials {
  rootCertificate: Buffer;
  certChain?: Buffer;
  privateKey?: Buffer;
}

/** gRPC's length-prefixed message framing: a compressed flag and a 4-byte length. */
const FRAME_HEADER = 5;

export class UnaryChannel {
  private session: http2.ClientHttp2Session | undefined;
  private connecting: Promise<http2.ClientHttp2Session> | undefined;
  /** The member to dial first: the last one that answered. */
  private preferred = 0;
  private closed = false;

  constructor(
    private readonly hosts: string[],
    private readonly credentials: ChannelCredentials | undefined,
    private readonly dialTimeoutMs: number,
  ) {}

  /** Sends `message` to `path` (`/etcdserverpb.KV/Txn`) and resolves with the answer's message. */
  async call(path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    let session = await this.connected();
    let stream: http2.ClientHttp2Stream;
    try {
      stream = this.request(session, path, deadline);
    } catch {
      // The session was going away (GOAWAY, stream ids used up): nothing was sent, so a fresh one may carry it.
      this.drop(session);
      session = await this.connected();
      stream = this.request(session, path, deadline);
    }
    // A member silent past a deadline may be unreachable without the connection noticing
    // (no reset arrives through a partition): new calls dial again, which also finds the next member.
    return answer(stream, frame(message), deadline, () => this.drop(session));
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private request(session: http2.ClientHttp2Session, path: string, deadline: number): http2.ClientHttp2Stream {
    return session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      // etcd gives up at the deadline too, rather than applying a write nobody waits for.
      "grpc-timeout": `${Math.max(1, deadline - Date.now())}m`,
    });
  }

  private connected(): Promise<http2.ClientHttp2Session> {
    if (this.closed) return Promise.reject(new Error("etcd client closed"));
    const s = this.session;
    if (s && !s.closed && !s.destroyed) return Promise.resolve(s);
    this.connecting ??= this.dial().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Connects to the preferred member, else to each other one in turn. */
  private async dial(): Promise<http2.ClientHttp2Session> {
    const errors: string[] = [];
    for (let i = 0; i < this.hosts.length; i++) {
      const index = (this.preferred + i) % this.hosts.length;
      try {
        const session = await this.connect(this.hosts[index]!);
        if (this.closed) {
          session.close();
          throw new Error("etcd client closed");
        }
        this.preferred = index;
        this.session = session;
        return session;
      } catch (err) {
        errors.push(`${this.hosts[index]}: ${(err as Error).message}`);
      }
    }
    throw new Error(`No connection established to etcd (${errors.join("; ")})`);
  }

  private connect(url: string): Promise<http2.ClientHttp2Session> {
    const creds = this.credentials;
    const tls = creds ? { ca: creds.rootCertificate, cert: creds.certChain, key: creds.privateKey } : {};
    return new Promise((resolve, reject) => {
      const session = http2.connect(url, tls);
      const fail = (err: Error) => {
        clearTimeout(timer);
        session.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no connection within ${this.dialTimeoutMs} ms`)), this.dialTimeoutMs);
      session.on("error", fail);
      session.once("connect", () => {
        clearTimeout(timer);
        session.off("error", fail);
        // Whatever ends the connection later, the next call dials again (its own calls fail on their streams).
        const forget = () => this.drop(session);
        session.on("close", forget).on("error", forget).on("goaway", forget);
        resolve(session);
      });
    });
  }

  private drop(session: http2.ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
    if (!session.destroyed) session.close();
  }
}

function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, FRAME_HEADER);
  return out;
}

/** Sends the request body and settles once the stream closes: the message on grpc-status 0, else an error. */
function answer(stream: http2.ClientHttp2Stream, body: Buffer, deadline: number, onDeadline: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let statusMessage = "";
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new Error("context deadline exceeded");
      stream.close(http2.constants.NGHTTP2_CANCEL);
      onDeadline();
    }, Math.max(0, deadline - Date.now()));
    const readStatus = (headers: http2.IncomingHttpHeaders) => {
      if (headers["grpc-status"] === undefined) return;
      status = String(headers["grpc-status"]);
      statusMessage = percentDecoded(String(headers["grpc-message"] ?? ""));
    };
    // A failed call may carry its status in the response headers alone ("trailers-only").
    stream.on("response", readStatus);
    stream.on("trailers", readStatus);
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", (err) => (failure ??= err));
    stream.on("close", () => {
      clearTimeout(timer);
      if (status === "0" && !failure) {
        const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const length = data.length >= FRAME_HEADER ? data.readUInt32BE(1) : -1;
        if (data[0] === 0 && data.length === FRAME_HEADER + length) return resolve(data.subarray(FRAME_HEADER));
        return reject(new Error("etcd answer: malformed gRPC message"));
      }
      if (status !== undefined && status !== "0") return reject(new Error(statusMessage || `gRPC status ${status}`));
      reject(failure ?? new Error(`etcd stream closed without an answer (code ${stream.rstCode})`));
    });
    stream.end(body);
  });
}

function percentDecoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
