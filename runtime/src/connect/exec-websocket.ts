/**
 * exec over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io; kube's wsstream): every
 * message is binary, byte 0 names the channel; v5 adds the CLOSE signal that half-closes
 * stdin. The handshake is answered on the request's raw socket.
 */
import { WebSocketServer, type WebSocket } from "ws";
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import { upgradeHead } from "../api/upgrade.js";
import { CLOSE, ERROR, frame, RESIZE, STDIN, SUPPORTED_PROTOCOLS, V5 } from "@skai-gen/client/connect/channel";
import { HIGH_WATER, runExecSession, type ExecInput, type ExecTransport } from "./exec-session.js";
import type { ExecProcess, TerminalSize } from "./types.js";

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  skipUTF8Validation: true,
  // Our preference order, as negotiateWebSocket() chose before the handshake.
  handleProtocols: (offered: Set<string>) => SUPPORTED_PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

/** The subprotocol we will speak, or the 400 kube answers before upgrading. */
export function negotiateWebSocket(ctx: RequestContext): string {
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
export function serveWebSocketExec(ctx: RequestContext, protocol: string, proc: ExecProcess): Promise<void> {
  const { req } = ctx;
  return new Promise<void>((resolve) => {
    wss.handleUpgrade(req, req.socket, upgradeHead(req), (ws) => runExecSession(ctx, new WebSocketTransport(ws, protocol === V5), proc).finally(resolve));
  });
}

class WebSocketTransport implements ExecTransport {
  readonly closed: Promise<void>;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly closeSignal: boolean,
  ) {
    ws.on("error", () => {});
    this.closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
  }

  start(input: ExecInput): void {
    this.ws.on("message", (data: Buffer) => {
      if (data.length === 0) return;
      const payload = data.subarray(1);
      switch (data[0]) {
        case STDIN:
          return input.stdin(payload);
        case RESIZE:
          try {
            return input.resize(JSON.parse(payload.toString("utf8")) as TerminalSize);
          } catch {
            // kube ignores undecodable resize events too
            return;
          }
        case CLOSE:
          if (this.closeSignal && payload[0] === STDIN) input.stdinEnd();
          return;
      }
    });
  }

  pauseInput(): void {
    this.ws.pause();
  }

  resumeInput(): void {
    this.ws.resume();
  }

  send(channel: number, data: Buffer | string): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return true;
    this.ws.send(frame(channel, data), () => {
      if (this.ws.bufferedAmount < HIGH_WATER / 2) for (const resume of this.drainWaiters.splice(0)) resume();
    });
    return this.ws.bufferedAmount <= HIGH_WATER;
  }

  onceDrained(resume: () => void): void {
    this.drainWaiters.push(resume);
  }

  async finish(status: object, graceMs: number): Promise<void> {
    const { ws } = this;
    if (ws.readyState === ws.OPEN) {
      ws.send(frame(ERROR, JSON.stringify(status)));
      ws.close(1000);
    }
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, graceMs).unref())]);
    if (ws.readyState !== ws.CLOSED) ws.terminate();
  }
}
