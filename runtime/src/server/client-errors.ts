/**
 * Requests the HTTP parser refuses before the pipeline sees them (Node's `clientError`),
 * answered as kube's Go server does (net/http conn.serve), except that headers beyond the
 * limit get a metav1.Status rather than Go's plain text, and are logged.
 * The limits and timeouts themselves are kube's secure serving's (pkg/server/secure_serving.go).
 */
import type { Duplex } from "node:stream";
import { lingeringClose } from "../endpoints/lingering-close.js";
import { statusJSON } from "./responses.js";

/** secure_serving.go MaxHeaderBytes; Go reads 4 KiB beyond it (bufio slack) before refusing. */
export const MAX_HEADER_BYTES = (1 << 20) + 4096;
/** secure_serving.go ReadHeaderTimeout ("just shy of requestTimeoutUpperBound"). */
export const READ_HEADER_TIMEOUT_MS = 32_000;
/** secure_serving.go IdleTimeout (http.DefaultTransport's keep-alive). */
export const IDLE_TIMEOUT_MS = 90_000;

const HEADERS_TOO_LARGE = statusJSON({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  // worded as kube's 413 (NewRequestEntityTooLargeError); there is no StatusReason for 431
  message: `Request header fields too large: limit is ${1 << 20}`,
  code: 431,
});

function response(head: string, contentType: string, body: string): string {
  return `HTTP/1.1 ${head}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Sockets already answered: the parser reports its error again for every chunk that still arrives. */
const answered = new WeakSet<Duplex>();

/** Answers once, then closes without resetting a client that is still sending its request. */
function answerAndClose(socket: Duplex, answer: string): void {
  answered.add(socket);
  lingeringClose(socket, answer);
}

function peer(socket: Duplex): string {
  const s = socket as Duplex & { remoteAddress?: string; remotePort?: number };
  return s.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : "unknown peer";
}

export function answerClientError(err: Error & { code?: string }, socket: Duplex, log: (message: string) => void): void {
  if (answered.has(socket)) return;
  // A connection already gone, or a read that timed out (Go's isCommonNetReadError): closed without a reply.
  if (!socket.writable || err.code === "ECONNRESET" || err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    socket.destroy();
    return;
  }
  if (err.code === "HPE_HEADER_OVERFLOW") {
    log(`request from ${peer(socket)} refused: its request line and headers exceed ${MAX_HEADER_BYTES} bytes (431)`);
    answerAndClose(socket, response("431 Request Header Fields Too Large", "application/json", HEADERS_TOO_LARGE));
    return;
  }
  // Anything else the parser refuses: Go's "400 Bad Request".
  answerAndClose(socket, response("400 Bad Request", "text/plain; charset=utf-8", "400 Bad Request"));
}
