/**
 * Bearer tokens checked by delegated TokenReview (wire-spec §9.3), with
 * kube's cache: results, successful or not, live 10 s
 * (--authentication-token-webhook-cache-ttl); call errors are not cached.
 * Tokens are cached under their SHA-256 so no raw token stays in memory longer
 * than the request.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { UserInfo } from "../api/request.js";
import type { ClusterConnection } from "../cluster/connection.js";
import { createTokenReview, type TokenReviewStatus } from "../cluster/reviews.js";
import { AuthenticationError, type Authenticator } from "./authenticator.js";
import { TtlCache } from "./ttl-cache.js";

export interface TokenReviewOptions {
  connection: ClusterConnection;
  cacheTtlMs?: number;
  timeoutMs?: number;
  /** --api-audiences; empty = the API server's default audience (none sent). */
  audiences?: string[];
}

const WEBSOCKET_PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

/** The bearer token of `Authorization: Bearer <t>`, or of the WebSocket subprotocol kube accepts for browsers. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization?.trim();
  if (auth) {
    const [scheme, token] = auth.split(/\s+/, 2);
    if (scheme?.toLowerCase() === "bearer" && token) return token;
    return undefined;
  }
  const protocols = req.headers["sec-websocket-protocol"];
  if (protocols) {
    for (const p of protocols.split(",").map((s) => s.trim())) {
      if (p.startsWith(WEBSOCKET_PROTOCOL_PREFIX)) {
        const token = Buffer.from(p.slice(WEBSOCKET_PROTOCOL_PREFIX.length), "base64url").toString("utf8");
        if (token) return token;
      }
    }
  }
  return undefined;
}

export function createTokenReviewAuthenticator(options: TokenReviewOptions): Authenticator {
  const cache = new TtlCache<TokenReviewStatus>();
  const ttl = options.cacheTtlMs ?? 10_000;
  const audiences = options.audiences ?? [];
  return {
    name: "tokenreview",
    async authenticate(req): Promise<UserInfo | null> {
      const token = bearerToken(req);
      if (!token) return null;
      const key = createHash("sha256").update(token).digest("base64");
      const status = await cache.getOrLoad(
        key,
        () =>
          createTokenReview(
            options.connection,
            audiences.length ? { token, audiences } : { token },
            { timeoutMs: options.timeoutMs ?? 10_000 },
          ),
        () => ttl,
      );
      if (!status.authenticated || !status.user?.username) {
        throw new AuthenticationError(status.error || "invalid bearer token");
      }
      if (audiences.length && !(status.audiences ?? []).some((a) => audiences.includes(a))) {
        throw new AuthenticationError("token audiences do not match the API audiences");
      }
      const u = status.user;
      const user: UserInfo = { name: u.username!, groups: u.groups ?? [] };
      if (u.uid) user.uid = u.uid;
      if (u.extra && Object.keys(u.extra).length) user.extra = u.extra;
      return user;
    },
  };
}
