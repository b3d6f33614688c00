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
import { AuthenticationError, type Authenticator, frozenUser } from "./authenticator.js";
import { peerCertificates, subjectValues, verifyClientChainCached } from "./x509-verify.js";
import { cachedPerConnection } from "./connection-cache.js";
import { BoundedMap } from "../apimachinery/bounded-map.js";
import { firstLetterFilter, lowercaseName } from "./remove-headers.js";
import { CompositeKeys } from "../apimachinery/composite-keys.js";

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

/** What a config's headers mean, worked out once: configs are replaced, never changed. */
interface HeaderNames {
  /** Lowercased header names and extra prefixes. */
  user: string[];
  group: string[];
  extraPrefixes: string[];
  /** Picks the identity header lines (user, UID, group, extra) by lowercased name. */
  isIdentity: (lowercaseName: string) => boolean;
  /** False for a raw name that cannot be an identity header (by its first letter), so it need not be lowercased. */
  mayBeIdentity: (rawName: string) => boolean;
  /**
   * The user (or null) the identity header lines of a request name, by those lines
   * (identityLinesKey): the aggregator sends the same few users over and over, so a request
   * reuses a frozen user object instead of building one (and the caches keyed by user
   * object downstream hit).
   */
  users: BoundedMap<string, UserInfo | null>;
  /** The key of a sequence of identity lines (lowercased name, value, name, value, ...). */
  linesKeys: CompositeKeys;
}

/** Distinct identities remembered per config; beyond it the oldest is forgotten. */
const MAX_USERS = 4096;

const headerNamesOf = new WeakMap<RequestHeaderConfig, HeaderNames>();

function headerNames(cfg: RequestHeaderConfig): HeaderNames {
  let names = headerNamesOf.get(cfg);
  if (!names) {
    const lower = (list: string[]) => list.map((h) => h.trim().toLowerCase());
    const identity = new Set(lower([...cfg.usernameHeaders, ...cfg.uidHeaders, ...cfg.groupHeaders]));
    const extraPrefixes = lower(cfg.extraHeaderPrefixes).filter(Boolean);
    names = {
      user: lower(cfg.usernameHeaders),
      group: lower(cfg.groupHeaders),
      extraPrefixes,
      isIdentity: (header) => identity.has(header) || extraPrefixes.some((p) => header.startsWith(p)),
      mayBeIdentity: firstLetterFilter([...identity, ...extraPrefixes]),
      users: new BoundedMap(MAX_USERS),
      linesKeys: new CompositeKeys(joinLines, MAX_USERS),
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
 * Each identity line's lowercased name (a token, never containing `:`), the value's length and
 * the value, so no two different sequences of lines give the same string.
 */
function joinLines(parts: readonly string[]): string {
  let lines = "";
  for (let i = 0; i < parts.length; i += 2) lines += `${parts[i]}:${parts[i + 1]!.length}:${parts[i + 1]}`;
  return lines;
}

/**
 * The identity header lines of a request in order as one key (joinLines): the user is a
 * function of exactly these lines. Undefined when there are none.
 */
function identityLinesKey(raw: string[], names: HeaderNames): string | undefined {
  let parts: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (!names.mayBeIdentity(raw[i]!)) continue;
    const header = lowercaseName(raw[i]!);
    if (names.isIdentity(header)) (parts ??= []).push(header, raw[i + 1]!);
  }
  return parts && names.linesKeys.key(parts);
}

/**
 * The user the identity headers name, read in one pass over the raw header lines (each line
 * one value, as Go's Header.Values): the first non-empty value of the first username header
 * that has one (headerrequest.headerValue), then the non-empty group values header by header
 * in the configured order (allHeaderValues), and the extra keys under every prefix a header
 * starts with (newExtra). Null without a username.
 */
function userFromHeaders(raw: string[], names: HeaderNames): UserInfo | null {
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
      // One error per connection, thrown again on its later requests: making an Error (its stack) costs more than all the rest.
      const refusal = cachedPerConnection(req, "requestheader", cfg, (): AuthenticationError | null => {
        const result = verifyClientChainCached(peers, cfg.caCerts);
        if (!result.ok) return new AuthenticationError(`verifying certificate ${subjectValues(peers[0]!, "CN")[0] ?? ""} failed: ${result.reason}`);
        if (cfg.allowedNames.length > 0) {
          const cn = subjectValues(result.leaf, "CN")[0] ?? "";
          if (!cfg.allowedNames.includes(cn)) {
            return new AuthenticationError(`x509: subject with cn=${cn} is not in the allowed list`);
          }
        }
        return null;
      });
      if (refusal) throw refusal;
      const names = headerNames(cfg);
      const lines = identityLinesKey(req.rawHeaders, names);
      if (lines === undefined) return null;
      let user = names.users.get(lines);
      if (user === undefined) {
        const named = userFromHeaders(req.rawHeaders, names);
        user = named && frozenUser(named);
        names.users.set(lines, user);
      }
      return user;
    },
  };
}

/** Picks every identity header of the config by lowercased name, so they can be removed before anything downstream reads one. */
export function requestHeaderFilter(cfg: RequestHeaderConfig): (lowercaseName: string) => boolean {
  return headerNames(cfg).isIdentity;
}

/** False for a raw header name that cannot be one of the config's identity headers (removeHeaders' `mayDrop`). */
export function requestHeaderPrefilter(cfg: RequestHeaderConfig): (rawName: string) => boolean {
  return headerNames(cfg).mayBeIdentity;
}
