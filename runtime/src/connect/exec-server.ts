/**
 * The server side of exec: picks the transport the client asked for (WebSocket, or
 * SPDY/3.1 for clients that have not moved on) and checks its handshake before anything
 * happens, then switches protocols on the request's raw socket (the serving layer hands
 * upgrade requests to handlers through the normal pipeline, after authorization) and
 * runs the session (./exec-session.ts).
 */
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import { SUPPORTED_PROTOCOLS } from "@skai-gen/client/connect/channel";
import { negotiateSpdy, serveSpdyExec } from "./exec-spdy.js";
import { negotiateWebSocket, serveWebSocketExec } from "./exec-websocket.js";
import type { ExecOptions, ExecProcess } from "./types.js";

export interface ExecUpgrade {
  transport: "websocket" | "spdy";
  /** The negotiated subprotocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`). */
  protocol: string;
}

/** The transport and subprotocol we will speak, or a 400 before anything else happens (kube refuses unknown upgrades). */
export function negotiate(ctx: RequestContext): ExecUpgrade {
  const upgrade = String(ctx.req.headers.upgrade ?? "").toLowerCase();
  if (!upgrade) throw errors.badRequest("Upgrade request required");
  if (upgrade === "websocket") return { transport: "websocket", protocol: negotiateWebSocket(ctx) };
  if (upgrade.includes("spdy/3.1")) return { transport: "spdy", protocol: negotiateSpdy(ctx) };
  throw errors.badRequest(`unable to upgrade connection: ${upgrade} is not supported here; use WebSocket with ${SUPPORTED_PROTOCOLS.join(" or ")}, or SPDY/3.1`);
}

/** Switches protocols and runs the session to its end; never throws after the 101. */
export function serveExec(ctx: RequestContext, upgrade: ExecUpgrade, opts: ExecOptions, proc: ExecProcess): Promise<void> {
  return upgrade.transport === "spdy" ? serveSpdyExec(ctx, upgrade.protocol, opts, proc) : serveWebSocketExec(ctx, upgrade.protocol, proc);
}
