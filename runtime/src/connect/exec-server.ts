/**
 * The server side of exec: answers the WebSocket handshake on the request's
 * raw socket (the serving layer hands upgrade requests to handlers through
 * the normal pipeline, after authorization), then relays channels between the
 * client and an ExecProcess, ending with the exit Status on the error channel.
 */
import type { Readable } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { RequestContext } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";
import { upgradeHead } from "../api/upgrade.js";
import { CLOSE, ERROR, exitStatus, failureStatus, frame, RESIZE, STDERR, STDIN, STDOUT, SUPPORTED_PROTOCOLS, V5 } from "@skai-gen/client/connect/channel";
import type { ExecProcess, TerminalSize } from "./types.js";

/** Above this many queued bytes to the client we stop reading the process's output. */
const HIGH_WATER = 1 << 20;

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  skipUTF8Validation: true,
  // Our preference order, as negotiate() chose before the handshake.
  handleProtocols: (offered: Set<string>) => SUPPORTED_PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

/** The subprotocol we will speak, or a 400 before anything else happens (kube refuses unknown upgrades). */
export function negotiate(ctx: RequestContext): string {
  const upgrade = String(ctx.req.headers.upgrade ?? "").toLowerCase();
  if (upgrade !== "websocket") {
    if (!upgrade) throw errors.badRequest("Upgrade request required");
    throw errors.badRequest(`unable to upgrade connection: ${upgrade} is not supported here; use WebSocket with ${SUPPORTED_PROTOCOLS.join(" or ")}`);
  }
  const offered = String(ctx.req.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const chosen = SUPPORTED_PROTOCOLS.find((p) => offered.includes(p));
  if (!chosen) {
    throw errors.badRequest(`unable to upgrade connection: none of the offered subprotocols [${offered.join(", ")}] is supported; use ${SUPPORTED_PROTOCOLS.join(" or ")}`);
  }
  return chosen;
}

/** Switches protocols and runs the session to its end; never throws after the 101. */
export function serveExec(ctx: RequestContext, protocol: string, proc: ExecProcess): Promise<void> {
  const { req } = ctx;
  return new Promise<void>((resolve) => {
    wss.handleUpgrade(req, req.socket, upgradeHead(req), (ws) => relay(ctx, ws, protocol, proc).finally(resolve));
  });
}

async function relay(ctx: RequestContext, ws: WebSocket, protocol: string, proc: ExecProcess): Promise<void> {
  const v5 = protocol === V5;
  const stop = () => proc.close();
  ctx.signal.addEventListener("abort", stop, { once: true });

  ws.on("message", (data: Buffer) => {
    if (data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case STDIN:
        if (proc.stdin && !proc.stdin.writableEnded && !proc.stdin.write(payload)) {
          ws.pause();
          proc.stdin.once("drain", () => ws.resume());
        }
        return;
      case RESIZE:
        try {
          const size = JSON.parse(payload.toString("utf8")) as TerminalSize;
          if (Number.isFinite(size.Width) && Number.isFinite(size.Height)) proc.resize?.(size);
        } catch {
          // kube ignores undecodable resize events too
        }
        return;
      case CLOSE:
        if (v5 && payload[0] === STDIN) proc.stdin?.end();
        return;
    }
  });
  ws.on("error", () => {});
  const gone = new Promise<void>((resolve) => ws.once("close", () => resolve()));
  void gone.then(() => {
    proc.stdin?.destroy();
    proc.close();
  });

  const outputs = [pump(proc.stdout, STDOUT, ws), pump(proc.stderr, STDERR, ws)];
  let status: object;
  try {
    const code = await Promise.race([proc.exit, gone.then(() => undefined)]);
    if (code === undefined) return finish(ctx, stop);
    status = exitStatus(code);
  } catch (err) {
    const s = err instanceof StatusError ? err.status : failureStatus((err as Error)?.message ?? String(err));
    status = { metadata: {}, status: "Failure", message: s.message, reason: s.reason, code: s.code, ...(s.details ? { details: s.details } : {}) };
  }
  // Output written before the exit must reach the client before the Status; a provider that never
  // ends its streams gets a short grace period.
  await Promise.race([Promise.all(outputs), new Promise((r) => setTimeout(r, 2000).unref())]);
  if (ws.readyState === ws.OPEN) {
    ws.send(frame(ERROR, JSON.stringify(status)));
    ws.close(1000);
  }
  await Promise.race([gone, new Promise((r) => setTimeout(r, 2000).unref())]);
  if (ws.readyState !== ws.CLOSED) ws.terminate();
  finish(ctx, stop);
}

function finish(ctx: RequestContext, stop: () => void): void {
  ctx.signal.removeEventListener("abort", stop);
}

/** Forwards one output stream as frames of its channel, pausing while the client is behind. */
function pump(src: Readable | undefined, channel: number, ws: WebSocket): Promise<void> {
  if (!src) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => resolve();
    src.on("data", (chunk: Buffer | string) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame(channel, chunk), () => {
        if (src.isPaused() && ws.bufferedAmount < HIGH_WATER / 2) src.resume();
      });
      if (ws.bufferedAmount > HIGH_WATER) src.pause();
    });
    src.once("end", done);
    src.once("close", done);
    src.once("error", done);
  });
}
