/**
 * The client side of exec over WebSocket: dials a `.../exec?command=...` URL
 * offering v5 then v4 of the channel protocol and returns the remote command
 * as an ExecProcess. The built-in provider uses it against kube-apiserver's
 * pods/exec; the typed client and the kubectl plugin use it against our server.
 */
import type http from "node:http";
import { PassThrough, Writable } from "node:stream";
import WebSocket from "ws";
import { type Status, StatusError } from "../status.js";
import { CLOSE, decodeExitStatus, ERROR, frame, resizeFrame, STDERR, STDIN, STDOUT, SUPPORTED_PROTOCOLS, V5 } from "./channel.js";
import type { ExecProcess, TerminalSize } from "./types.js";

export interface DialOptions {
  /** `wss://host/.../exec?command=...&stdin=true...` */
  url: string;
  headers?: Record<string, string>;
  /** An agent carrying the TLS material (client certificate, CA), or the material itself below. */
  agent?: http.Agent;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
  /** Turns a refused handshake (non-101) into the error to throw; default a StatusError from the body. */
  httpError?: (code: number, body: string, headers: http.IncomingHttpHeaders) => Error;
}

export interface ExecStreamsWanted {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ExecConnection extends ExecProcess {
  /** The negotiated subprotocol (v5.channel.k8s.io or v4.channel.k8s.io). */
  protocol: string;
}

/** A refused handshake as the Status the server sent, or one made from the text. */
export function statusErrorFrom(code: number, body: string): StatusError {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed && parsed.kind === "Status") return new StatusError({ ...parsed, code: parsed.code || code });
  } catch {
    // not a Status
  }
  const reason = code === 401 ? "Unauthorized" : code === 403 ? "Forbidden" : code === 404 ? "NotFound" : code >= 500 ? "InternalError" : "BadRequest";
  return new StatusError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: body.trim() || `status ${code}`, reason, code });
}

export function dialExec(dial: DialOptions, wanted: ExecStreamsWanted): Promise<ExecConnection> {
  const ws = new WebSocket(dial.url, SUPPORTED_PROTOCOLS, {
    headers: dial.headers,
    agent: dial.agent,
    ca: dial.ca,
    cert: dial.cert,
    key: dial.key,
    ...(dial.servername ? { servername: dial.servername } : {}),
    ...(dial.rejectUnauthorized !== undefined ? { rejectUnauthorized: dial.rejectUnauthorized } : {}),
    perMessageDeflate: false,
    // Keystrokes are tiny: never wait to coalesce them.
    skipUTF8Validation: true,
  });
  return new Promise((resolve, reject) => {
    let opened = false;
    ws.once("unexpected-response", (req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const code = res.statusCode ?? 0;
        reject(dial.httpError ? dial.httpError(code, body, res.headers) : statusErrorFrom(code, body));
        req.destroy();
      });
    });
    ws.once("error", (err) => {
      if (!opened) reject(err);
    });
    ws.once("open", () => {
      opened = true;
      resolve(attach(ws, wanted));
    });
  });
}

function attach(ws: WebSocket, wanted: ExecStreamsWanted): ExecConnection {
  const protocol = ws.protocol;
  const v5 = protocol === V5;
  const stdout = wanted.stdout ? new PassThrough() : undefined;
  const stderr = wanted.stderr && !wanted.tty ? new PassThrough() : undefined;
  let result: number | Error | undefined;
  let settle!: { resolve(code: number): void; reject(err: Error): void };
  const exit = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
  // Unhandled rejections would crash callers that only read the streams.
  exit.catch(() => {});

  const stdin = wanted.stdin
    ? new Writable({
        write(chunk: Buffer, _enc, cb) {
          if (ws.readyState !== WebSocket.OPEN) return cb();
          ws.send(frame(STDIN, chunk), cb);
        },
        final(cb) {
          // v5 can half-close stdin; v4 peers only learn of the end when the connection closes.
          if (v5 && ws.readyState === WebSocket.OPEN) ws.send(Buffer.from([CLOSE, STDIN]), () => cb());
          else cb();
        },
      })
    : undefined;
  stdin?.on("error", () => {});

  const target = (ch: number) => (ch === STDOUT ? stdout : ch === STDERR ? stderr : undefined);
  ws.on("message", (data: Buffer) => {
    if (data.length === 0) return;
    const ch = data[0];
    const payload = data.subarray(1);
    if (ch === ERROR) {
      result = decodeExitStatus(payload);
      return;
    }
    if (ch === CLOSE) {
      target(payload[0])?.end();
      return;
    }
    const out = target(ch);
    // Empty frames open channels in some servers: nothing to deliver.
    if (!out || payload.length === 0 || out.writableEnded) return;
    if (!out.write(payload)) {
      ws.pause();
      out.once("drain", () => ws.resume());
    }
  });
  ws.on("close", (code) => {
    stdout?.end();
    stderr?.end();
    stdin?.destroy();
    if (result instanceof Error) settle.reject(result);
    else if (result !== undefined) settle.resolve(result);
    // client-go: an error stream that ends empty means success; an abnormal close does not.
    else if (code === 1000 || code === 1005) settle.resolve(0);
    else settle.reject(new Error(`exec connection closed (${code}) before the exit status`));
  });
  ws.on("error", () => {});

  return {
    protocol,
    stdin,
    stdout,
    stderr,
    exit,
    resize(size: TerminalSize) {
      if (ws.readyState === WebSocket.OPEN) ws.send(resizeFrame(size));
    },
    close() {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    },
  };
}

