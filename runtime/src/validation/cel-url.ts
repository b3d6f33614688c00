/**
 * Kubernetes' CEL urls library (k8s.io/apiserver/pkg/cel/library/urls.go):
 * `url(s)`, `isURL(s)` and getScheme, getHost, getHostname, getPort,
 * getEscapedPath, getQuery. A string is a URL when Go's url.ParseRequestURI
 * takes it (an absolute URI or an absolute path; no fragment split off);
 * its parts are then url.Parse's. The parsing below is Go's net/url
 * (parse, getScheme, parseAuthority, parseHost, unescape, EscapedPath,
 * ParseQuery), with its error texts.
 */
import { CelScalar, celList, celMap, listType, mapType, type CelFunc } from "@bufbuild/cel";
import { OpaqueValue, opaqueFunc, URL_TYPE } from "./cel-values.js";

const { STRING, BOOL } = CelScalar;

interface GoURL {
  scheme: string;
  opaque: string;
  host: string;
  /** The path as written (still escaped). */
  rawPath: string;
  rawQuery: string;
}

type Mode = "path" | "host" | "query";

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** net/url shouldEscape, for the modes used here. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if (mode === "host" && "!$&'()*+,;=:[]<>\"".includes(c)) return false;
  if ("-_.~".includes(c)) return false;
  if ("$&+,/:;=?@".includes(c)) return mode === "path" ? c === "?" : true;
  return true;
}

/** net/url unescape: the decoded text, or Go's error for a bad escape or host character. */
function unescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  const utf8 = Buffer.from(s, "utf8");
  for (let i = 0; i < utf8.length; i++) {
    const c = String.fromCharCode(utf8[i]!);
    if (c === "%") {
      const [h, l] = [String.fromCharCode(utf8[i + 1] ?? 0), String.fromCharCode(utf8[i + 2] ?? 0)];
      if (i + 2 >= utf8.length || !isHex(h) || !isHex(l)) throw new Error(`invalid URL escape ${JSON.stringify(utf8.subarray(i, i + 3).toString("latin1"))}`);
      bytes.push(parseInt(h + l, 16));
      i += 2;
    } else if (c === "+" && mode === "query") {
      bytes.push(0x20);
    } else {
      if (mode === "host" && utf8[i]! < 0x80 && shouldEscape(c, mode)) throw new Error(`invalid character ${JSON.stringify(c)} in host name`);
      bytes.push(utf8[i]!);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function escapePath(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, "path") ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** net/url validEncoded for a path. */
function validEncodedPath(s: string): boolean {
  return [...s].every((c) => "!$&'()*+,;=:@[]%".includes(c) || (c.charCodeAt(0) < 0x80 && !shouldEscape(c, "path")));
}

function validOptionalPort(port: string): boolean {
  return port === "" || /^:\d*$/.test(port);
}

function parseHost(host: string): string {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) throw new Error("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
  } else {
    const i = host.lastIndexOf(":");
    if (i >= 0 && !validOptionalPort(host.slice(i))) throw new Error(`invalid port ${JSON.stringify(host.slice(i))} after host`);
  }
  return unescape(host, "host");
}

/** The scheme, and the rest (getScheme). */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new Error("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

/** net/url parse; `viaRequest` as ParseRequestURI. */
function parse(raw: string, viaRequest: boolean): GoURL {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error("net/url: invalid control character in URL");
  if (raw === "" && viaRequest) throw new Error("empty url");
  const u: GoURL = { scheme: "", opaque: "", host: "", rawPath: "", rawQuery: "" };
  if (raw === "*") return { ...u, rawPath: "*" };
  let [scheme, rest] = splitScheme(raw);
  u.scheme = scheme.toLowerCase();
  if (rest.endsWith("?") && rest.split("?").length === 2) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf("?");
    if (q >= 0) [rest, u.rawQuery] = [rest.slice(0, q), rest.slice(q + 1)];
  }
  if (!rest.startsWith("/")) {
    if (u.scheme !== "") return { ...u, opaque: rest };
    if (viaRequest) throw new Error("invalid URI for request");
    if (rest.split("/")[0]!.includes(":")) throw new Error("first path segment in URL cannot contain colon");
  }
  if ((u.scheme !== "" || (!viaRequest && !rest.startsWith("///"))) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    rest = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    const at = authority.lastIndexOf("@");
    u.host = parseHost(authority.slice(at + 1));
    if (at >= 0 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))) throw new Error("net/url: invalid userinfo");
  }
  unescape(rest, "path");
  u.rawPath = rest;
  return u;
}

const URL_PARSE_ERROR = "URL parse error during conversion from string: ";

/** url.ParseRequestURI, then url.Parse, as stringToUrl; Go's url.Error text on failure. */
function parseURL(s: string): GoURL {
  const attempt = <T>(step: () => T) => {
    try {
      return step();
    } catch (e) {
      throw new Error(`${URL_PARSE_ERROR}parse ${JSON.stringify(s)}: ${(e as Error).message}`);
    }
  };
  const invalid = requestURIError(s);
  if (invalid) throw new Error(URL_PARSE_ERROR + invalid);
  const hash = s.indexOf("#");
  if (hash < 0) return attempt(() => parse(s, false));
  const u = attempt(() => parse(s.slice(0, hash), false));
  attempt(() => unescape(s.slice(hash + 1), "path"));
  return u;
}

/** Host without its port, and without the brackets of an IPv6 literal (URL.Hostname, URL.Port). */
function splitHostPort(hostPort: string): [string, string] {
  let [host, port] = [hostPort, ""];
  const colon = hostPort.lastIndexOf(":");
  if (colon >= 0 && validOptionalPort(hostPort.slice(colon))) [host, port] = [hostPort.slice(0, colon), hostPort.slice(colon + 1)];
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return [host, port];
}

/** url.ParseQuery, skipping what Go skips (pairs with a bad escape or a semicolon). */
function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    const [k, v] = eq >= 0 ? [pair.slice(0, eq), pair.slice(eq + 1)] : [pair, ""];
    try {
      const key = unescape(k, "query");
      const value = unescape(v, "query");
      out.set(key, [...(out.get(key) ?? []), value]);
    } catch {
      continue;
    }
  }
  return out;
}

export class CelURL extends OpaqueValue {
  readonly typeName = "kubernetes.URL";

  constructor(
    private readonly text: string,
    readonly url: GoURL,
  ) {
    super();
  }

  protected identity(): string {
    return this.text;
  }

  escapedPath(): string {
    const raw = this.url.rawPath;
    return raw === "*" || validEncodedPath(raw) ? raw : escapePath(unescape(raw, "path"));
  }
}

/** url.ParseRequestURI's error text for `s`, undefined when it is a URL. */
export function requestURIError(s: string): string | undefined {
  try {
    parse(s, true);
    return undefined;
  } catch (e) {
    return `parse ${JSON.stringify(s)}: ${(e as Error).message}`;
  }
}

export const urlFuncs: CelFunc[] = [
  opaqueFunc("url", undefined, [STRING], URL_TYPE, (s: string) => new CelURL(s, parseURL(s))),
  opaqueFunc("isURL", undefined, [STRING], BOOL, (s: string) => requestURIError(s) === undefined),
  opaqueFunc("getScheme", URL_TYPE, [], STRING, (u: CelURL) => u.url.scheme),
  opaqueFunc("getHost", URL_TYPE, [], STRING, (u: CelURL) => u.url.host),
  opaqueFunc("getHostname", URL_TYPE, [], STRING, (u: CelURL) => splitHostPort(u.url.host)[0]),
  opaqueFunc("getPort", URL_TYPE, [], STRING, (u: CelURL) => splitHostPort(u.url.host)[1]),
  opaqueFunc("getEscapedPath", URL_TYPE, [], STRING, (u: CelURL) => u.escapedPath()),
  opaqueFunc("getQuery", URL_TYPE, [], mapType(STRING, listType(STRING)), (u: CelURL) => {
    const entries = [...parseQuery(u.url.rawQuery)].map(([k, vs]) => [k, celList(vs)] as const);
    return celMap(new Map(entries));
  }),
];
