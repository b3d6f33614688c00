/**
 * exec over SPDY/3.1, the server side kube's kubelet runs for remotecommand
 * (pkg/kubelet/cri/streaming/remotecommand/httpstream.go, protocol v4.channel.k8s.io,
 * which clients still offering SPDY speak: kubectl with
 * KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false, older kubectl, client-go's SPDY executor).
 * After the 101 the client opens one stream per channel, named by its `streamType`
 * header; the session starts once every stream the options call for is open. The error
 * stream ends with the Status as JSON; resize carries TerminalSize objects back to back.
 */
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import { upgradeHead } from "../api/upgrade.js";
import { STDOUT } from "@skai-gen/client/connect/channel";
import { HIGH_WATER, runExecSession, type ExecInput, type ExecTransport } from "./exec-session.js";
import { SpdyConnection, type SpdyStream } from "./spdy/connection.js";
import type { ExecOptions, ExecProcess, TerminalSize } from "./types.js";

/** kubelet's SupportedStreamingProtocols, as far as they are still used (v4 brought exit codes in 2016). */
const SPDY_PROTOCOLS = ["v4.channel.k8s.io"];

/** DefaultStreamCreationTimeout of apimachinery's remotecommand. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

/** The largest resize message kept while waiting for its end. */
const MAX_RESIZE_TEXT = 4096;

type StreamType = "error" | "stdin" | "stdout" | "stderr" | "resize";

function headerValues(value: string | string[] | undefined): string[] {
  return (Array.isArray(value) ? value : [value ?? ""])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * httpstream.Handshake and the SPDY upgrader's checks: the protocol both sides speak
 * (the client's first choice we know), or kube's 400 and 403 before anything is switched.
 */
export function negotiateSpdy(ctx: RequestContext): string {
  const h = ctx.req.headers;
  if (!String(h.connection ?? "").toLowerCase().includes("upgrade")) throw errors.badRequest("unable to upgrade: missing upgrade headers in request");
  const offered = headerValues(h["x-stream-protocol-version"]);
  if (!offered.length) throw errors.badRequest("unable to upgrade: header X-Stream-Protocol-Version does not exist or names no protocol");
  const chosen = offered.find((p) => SPDY_PROTOCOLS.includes(p));
  if (!chosen) throw errors.forbidden(`unable to upgrade: unable to negotiate protocol: client supports [${offered.join(" ")}], server accepts [${SPDY_PROTOCOLS.join(" ")}]`);
  return chosen;
}

/** Switches to SPDY, waits for the client's streams and runs the session to its end; never throws after the 101. */
export async function serveSpdyExec(ctx: RequestContext, protocol: string, opts: ExecOptions, proc: ExecProcess): Promise<void> {
  const socket = ctx.req.socket;
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
  const wanted: StreamType[] = ["error"];
  if (opts.stdin) wanted.push("stdin");
  if (opts.stdout) wanted.push("stdout");
  if (opts.stderr) wanted.push("stderr");
  if (opts.tty) wanted.push("resize");
  const streams = new Map<StreamType, SpdyStream>();
  let allOpen!: () => void;
  const opened = new Promise<boolean>((resolve) => (allOpen = () => resolve(true)));
  const conn = new SpdyConnection(socket, upgradeHead(ctx.req), (stream) => {
    const type = stream.headers.get("streamtype") as StreamType;
    if (!wanted.includes(type) || streams.has(type)) return;
    streams.set(type, stream);
    if (streams.size === wanted.length) allOpen();
  });
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    opened,
    conn.closed.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STREAM_CREATION_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (!ready) {
    proc.close();
    conn.destroy();
    return;
  }
  await runExecSession(ctx, new SpdyTransport(conn, streams), proc);
}

/** Calls `onObject` with each complete JSON object of a stream of them (kubelet reads resize with a json.Decoder). */
function jsonObjects(onObject: (value: unknown) => void): (chunk: Buffer) => void {
  let text = "";
  return (chunk) => {
    text += chunk.toString("utf8");
    let depth = 0;
    let start = 0;
    let inString = false;
    let escaped = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{" && depth++ === 0) start = i;
      else if (c === "}" && depth > 0 && --depth === 0) {
        try {
          onObject(JSON.parse(text.slice(start, i + 1)));
        } catch {
          // kube stops reading sizes on a malformed one; a size less is all it costs here
        }
      }
    }
    text = depth > 0 && text.length - start <= MAX_RESIZE_TEXT ? text.slice(start) : "";
  };
}

class SpdyTransport implements ExecTransport {
  readonly closed: Promise<void>;

  constructor(
    private readonly conn: SpdyConnection,
    private readonly streams: ReadonlyMap<StreamType, SpdyStream>,
  ) {
    this.closed = conn.closed;
  }

  start(input: ExecInput): void {
    const stdin = this.streams.get("stdin");
    if (stdin) {
      stdin.onData = (data) => input.stdin(data);
      stdin.onEnd = () => input.stdinEnd();
    }
    const resize = this.streams.get("resize");
    if (resize) resize.onData = jsonObjects((size) => input.resize(size as TerminalSize));
  }

  pauseInput(): void {
    this.conn.pause();
  }

  resumeInput(): void {
    this.conn.resume();
  }

  send(channel: number, data: Buffer | string): boolean {
    this.streams.get(channel === STDOUT ? "stdout" : "stderr")?.write(data);
    return this.conn.backlog <= HIGH_WATER;
  }

  onceDrained(resume: () => void): void {
    this.conn.onceDrained(resume);
  }

  /** The Status on the error stream, FIN on every stream, GOAWAY; the client hangs up once it has read them. */
  async finish(status: object, graceMs: number): Promise<void> {
    this.streams.get("error")!.write(JSON.stringify(status));
    for (const stream of this.streams.values()) stream.end();
    this.conn.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.conn.destroy();
  }
}
