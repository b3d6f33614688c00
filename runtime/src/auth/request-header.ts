/**
 * Front-proxy (request-header) authentication, as kube's
 * authentication/request/headerrequest wrapped in x509.NewVerifier (wire-spec
 * §9.3): the X-Remote-* headers are believed only on a connection whose
 * client certificate chains to the request-header CA with clientAuth usage and
 * whose subject CN is in the allowed names (when that list is non-empty).
 */
import type { IncomingMessage } from "node:http";
import type { X509Certificate } from "node:crypto";
import type { UserInfo } from "../api/request.js";
import { AuthenticationError, type Authenticator } from "./authenticator.js";
import { peerCertificates, subjectValues, verifyClientChain } from "./x509-verify.js";
import { cachedPerConnection } from "./connection-cache.js";

export interface RequestHeaderConfig {
  /** The request-header CA bundle; empty = request-header authentication off. */
  caCerts: X509Certificate[];
  /** Allowed subject CNs of the proxy's certificate; empty = any certificate from the CA. */
  allowedNames: string[];
  usernameHeaders: string[];
  /** Parsed and stripped; the UID itself is only used with the RemoteRequestHeaderUID gate (off in kube 1.32). */
  uidHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

/** First non-empty value among the headers, in order (headerrequest.headerValue). */
function firstValue(req: IncomingMessage, names: string[]): string {
  for (const name of names) {
    for (const value of req.headersDistinct[name.trim().toLowerCase()] ?? []) if (value) return value;
  }
  return "";
}

function allValues(req: IncomingMessage, names: string[]): string[] {
  return names.flatMap((name) => (req.headersDistinct[name.trim().toLowerCase()] ?? []).filter((v) => v !== ""));
}

/** The aggregator %-escapes extra keys; the receiver lowercases and path-unescapes them (wire-spec §9.2). */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function extras(req: IncomingMessage, prefixes: string[]): Record<string, string[]> | undefined {
  const lowered = prefixes.map((p) => p.trim().toLowerCase()).filter(Boolean);
  const out: Record<string, string[]> = {};
  for (const [header, values] of Object.entries(req.headersDistinct)) {
    const prefix = lowered.find((p) => header.startsWith(p));
    if (!prefix || !values) continue;
    const key = unescapeExtraKey(header.slice(prefix.length));
    (out[key] ??= []).push(...values);
  }
  return Object.keys(out).length ? out : undefined;
}

export function createRequestHeaderAuthenticator(config: () => RequestHeaderConfig | undefined): Authenticator {
  return {
    name: "requestheader",
    authenticate(req): UserInfo | null {
      const cfg = config();
      if (!cfg || cfg.caCerts.length === 0) return null;
      const peers = peerCertificates(req);
      if (peers.length === 0) return null;
      const verdict = cachedPerConnection(req, "requestheader", cfg, () => {
        const result = verifyClientChain(peers, cfg.caCerts);
        if (!result.ok) return `verifying certificate ${subjectValues(peers[0]!, "CN")[0] ?? ""} failed: ${result.reason}`;
        if (cfg.allowedNames.length > 0) {
          const cn = subjectValues(result.leaf, "CN")[0] ?? "";
          if (!cfg.allowedNames.includes(cn)) {
            return `x509: subject with cn=${cn} is not in the allowed list`;
          }
        }
        return "";
      });
      if (verdict) throw new AuthenticationError(verdict);

      const name = firstValue(req, cfg.usernameHeaders);
      if (!name) return null;
      const user: UserInfo = { name, groups: allValues(req, cfg.groupHeaders) };
      const extra = extras(req, cfg.extraHeaderPrefixes);
      if (extra) user.extra = extra;
      return user;
    },
  };
}

/** Removes every identity header of the config so nothing downstream can read an unverified one. */
export function stripRequestHeaders(req: IncomingMessage, cfg: RequestHeaderConfig | undefined): void {
  const names = cfg ? [...cfg.usernameHeaders, ...cfg.uidHeaders, ...cfg.groupHeaders].map((h) => h.trim().toLowerCase()) : [];
  const prefixes = cfg ? cfg.extraHeaderPrefixes.map((p) => p.trim().toLowerCase()).filter(Boolean) : [];
  const drop = (header: string) => names.includes(header) || prefixes.some((p) => header.startsWith(p));
  removeHeaders(req, drop);
}

/** Deletes headers from both the parsed and the raw header lists (proxies forward rawHeaders). */
export function removeHeaders(req: IncomingMessage, drop: (lowercaseName: string) => boolean): void {
  // Most requests carry none of them: look before touching anything.
  let found = false;
  for (const header in req.headers) if (drop(header)) found = true;
  if (!found) return;
  // Node builds headers and headersDistinct lazily from rawHeaders and its original
  // count: materialise both before rawHeaders shrinks.
  const parsed = req.headers;
  const distinct = req.headersDistinct;
  for (const header of Object.keys(parsed)) if (drop(header)) delete parsed[header];
  for (const header of Object.keys(distinct)) if (drop(header)) delete distinct[header];
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!drop(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  }
  if (kept.length !== raw.length) raw.splice(0, raw.length, ...kept);
}
