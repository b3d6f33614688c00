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

/** A config's header names and extra prefixes, lowercased once: configs are replaced, never changed. */
interface HeaderNames {
  user: string[];
  group: string[];
  /** Every identity header name (user, UID, group), for stripping. */
  identity: Set<string>;
  extraPrefixes: string[];
}

const headerNamesOf = new WeakMap<RequestHeaderConfig, HeaderNames>();

function headerNames(cfg: RequestHeaderConfig): HeaderNames {
  let names = headerNamesOf.get(cfg);
  if (!names) {
    const lower = (list: string[]) => list.map((h) => h.trim().toLowerCase());
    names = {
      user: lower(cfg.usernameHeaders),
      group: lower(cfg.groupHeaders),
      identity: new Set(lower([...cfg.usernameHeaders, ...cfg.uidHeaders, ...cfg.groupHeaders])),
      extraPrefixes: lower(cfg.extraHeaderPrefixes).filter(Boolean),
    };
    headerNamesOf.set(cfg, names);
  }
  return names;
}

/** The aggregator %-escapes extra keys; the receiver lowercases and path-unescapes them (wire-spec §9.2). */
function unescapeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/**
 * The user the identity headers name, read in one pass over the raw header lines (each line
 * one value, as Go's Header.Values): the first non-empty value of the first username header
 * that has one (headerrequest.headerValue), then the non-empty group values header by header
 * in the configured order (allHeaderValues), and the extra keys under every prefix a header
 * starts with (newExtra). Null without a username.
 */
function userFromHeaders(req: IncomingMessage, names: HeaderNames): UserInfo | null {
  const raw = req.rawHeaders;
  let name = "";
  let nameRank = names.user.length;
  const groupsByHeader: string[][] = names.group.map(() => []);
  let extra: Record<string, string[]> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const header = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const rank = names.user.indexOf(header);
    if (rank >= 0 && rank < nameRank && value !== "") {
      name = value;
      nameRank = rank;
    }
    if (value !== "") for (let g = 0; g < names.group.length; g++) if (names.group[g] === header) groupsByHeader[g]!.push(value);
    for (const prefix of names.extraPrefixes) {
      if (header.startsWith(prefix)) ((extra ??= {})[unescapeExtraKey(header.slice(prefix.length))] ??= []).push(value);
    }
  }
  if (!name) return null;
  const user: UserInfo = { name, groups: groupsByHeader.flat() };
  if (extra) user.extra = extra;
  return user;
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
      return userFromHeaders(req, headerNames(cfg));
    },
  };
}

/** Removes every identity header of the config so nothing downstream can read an unverified one. */
export function stripRequestHeaders(req: IncomingMessage, cfg: RequestHeaderConfig | undefined): void {
  if (!cfg) return;
  const { identity, extraPrefixes } = headerNames(cfg);
  removeHeaders(req, (header) => identity.has(header) || extraPrefixes.some((p) => header.startsWith(p)));
}

/** Deletes headers from both the parsed and the raw header lists (proxies forward rawHeaders). */
export function removeHeaders(req: IncomingMessage, drop: (lowercaseName: string) => boolean): void {
  let dropped: Set<string> | undefined;
  for (const header in req.headers) if (drop(header)) (dropped ??= new Set()).add(header);
  // Most requests carry none of them: look before touching anything.
  if (!dropped) return;
  // Node builds headers and headersDistinct lazily from rawHeaders and its original
  // count: materialise both before rawHeaders shrinks.
  const parsed = req.headers;
  const distinct = req.headersDistinct;
  for (const header of dropped) {
    delete parsed[header];
    delete distinct[header];
  }
  const raw = req.rawHeaders;
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!dropped.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  }
  if (kept.length !== raw.length) raw.splice(0, raw.length, ...kept);
}
