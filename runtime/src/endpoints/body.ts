/**
 * Request bodies: the 3 MiB limit (checked on Content-Length before reading, then while
 * reading), media types, JSON/YAML decoding with the strict-decoding facts (duplicate
 * fields) and the nesting-depth limit.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import YAML from "yaml";
import { errors } from "../api/status.js";
import { lingeringClose } from "./lingering-close.js";
import { type InexactNumber, isExactInteger, scanJSON } from "@skai-gen/client/jsonscan";

/** k8s.io/apiserver MaxRequestBodyBytes. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Bodies from this size on are decoded, stored and answered in separate event-loop turns (see afterPendingIO). */
export const LARGE_BODY_BYTES = 256 * 1024;
/** sigs.k8s.io/json's (and kube's) nesting limit. */
export const MAX_JSON_DEPTH = 10000;

export const BODY_MEDIA_TYPES = ["application/json", "application/yaml"];

/** The media type of a request body without parameters; "" when absent. */
export function contentTypeOf(req: IncomingMessage): string {
  const header = req.headers["content-type"] ?? "";
  const semicolon = header.indexOf(";");
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

function tooLarge(res: ServerResponse, limit: number) {
  // The rest of the body is never read: the connection cannot be reused.
  res.setHeader("Connection", "close");
  // Once the 413 is written, the client's remaining bytes drain for a moment, so it reads the answer instead of a reset (EPIPE).
  const socket = res.socket as (NonNullable<ServerResponse["socket"]> & { destroySoon?: () => void }) | null;
  if (socket) socket.destroySoon = () => lingeringClose(socket);
  return errors.requestEntityTooLarge(`limit is ${limit}`);
}

/**
 * The request body, within `limit`. Read with the stream's events rather than its async
 * iterator, which costs a generator and an end-of-stream watcher per request (about 6 µs
 * of a create here). A body that passes the limit while arriving is refused (tooLarge).
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(res, limit));
  // A large declared body is copied into place as its chunks arrive, not joined in one stretch at the end.
  let into = Number.isInteger(declared) && declared >= LARGE_BODY_BYTES ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      if (into && total + chunk.length <= into.length) chunk.copy(into, total);
      else {
        if (into) chunks.push(into.subarray(0, total));
        into = undefined;
        chunks.push(chunk);
      }
      total += chunk.length;
      if (total > limit) {
        stop();
        reject(tooLarge(res, limit));
      }
    };
    const onEnd = () => {
      stop();
      if (into) resolve(into.subarray(0, total));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    // The client went away before the body ended (Node's own word for it).
    const onClose = () => onError(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/**
 * Resolves once the event loop has polled for I/O: the work on a large object is cut into
 * stretches, and the small requests that arrived meanwhile are answered between them.
 * (One setImmediate from the poll phase runs before the next poll; two always pass one.)
 */
export function afterPendingIO(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export interface Decoded {
  value: unknown;
  /** Paths of duplicated fields (strict decoding errors). */
  duplicates: string[];
  /** Integers the parse could not keep exactly (refused: see rejectInexactIntegers). */
  inexactIntegers?: InexactNumber[];
  /** A number beyond float64's range, as written (kube's decoder refuses it). */
  outOfRange?: string;
}

/** handlers/rest.go summarizeData. */
export function summarizeData(data: Buffer, max = 30): string {
  if (data.length === 0) return "<empty>";
  if (data[0] === 0x7b) return data.length > max ? data.subarray(0, max).toString("utf8") + " ..." : data.toString("utf8");
  return data.length > max ? data.subarray(0, max).toString("hex") + " ..." : data.toString("hex");
}

export class BodySyntaxError extends Error {}

/** Decodes JSON or YAML; throws BodySyntaxError on malformed input, 415 on other media types. */
export function decodeBody(data: Buffer, mediaType: string, accepted = BODY_MEDIA_TYPES): Decoded {
  if (mediaType === "" || mediaType === "application/json") {
    const text = data.toString("utf8");
    const scan = scanJSON(text, MAX_JSON_DEPTH);
    // encoding/json's scanner, which kube's type sniffing (SimpleMetaFactory.Interpret) runs first.
    if (scan.tooDeep) throw new BodySyntaxError(`json parse error: invalid character '${scan.tooDeepAt}' exceeded max depth`);
    try {
      return { value: JSON.parse(text), duplicates: scan.duplicates, inexactIntegers: scan.inexactIntegers, outOfRange: scan.outOfRange };
    } catch (e) {
      throw new BodySyntaxError(`json parse error: ${(e as Error).message}`);
    }
  }
  if (mediaType === "application/yaml") return decodeYAML(data);
  throw errors.unsupportedMediaType(accepted);
}

/**
 * A YAML body that does not convert to JSON (sigs.k8s.io/yaml YAMLToJSON's error): kube
 * reports it as it is, with no "couldn't get version/kind", in go-yaml's words where the
 * case is one go-yaml names (aliasing, depth).
 */
export class YAMLSyntaxError extends BodySyntaxError {}

// go-yaml's limits (CVE-2019-11253) and their texts
const EXCESSIVE_ALIASING = "yaml: document contains excessive aliasing";
const TOO_DEEP = `yaml: exceeded max depth of ${MAX_JSON_DEPTH}`;

/** "<problem> at line 3, column 5:\n\n<excerpt>" as go-yaml's "yaml: line 3: <problem>". */
function yamlMessage(err: unknown): string {
  // the library's recursion ran out of stack: only nesting does that
  if (err instanceof Error && err.message.includes("Maximum call stack size exceeded")) return TOO_DEEP;
  if (err instanceof ReferenceError && /alias/i.test(err.message)) return EXCESSIVE_ALIASING;
  const e = err as { message?: string; linePos?: Array<{ line: number }> };
  const problem = String(e?.message ?? err).replace(/ at line \d+, column \d+:[\s\S]*$/, "").trim();
  const line = e?.linePos?.[0]?.line;
  return line ? `yaml: line ${line}: ${problem}` : `yaml: ${problem}`;
}

/**
 * Every failure of the YAML library (errors it reports, and the ones it throws: alias
 * expansion beyond its budget, its parser's recursion running out of stack) is a
 * YAMLSyntaxError, so a bad body is always a 400.
 */
function decodeYAML(data: Buffer): Decoded {
  const text = data.toString("utf8");
  if (yamlNestingBound(text) > MAX_JSON_DEPTH) throw new YAMLSyntaxError(TOO_DEEP);
  try {
    // go-yaml's Unmarshal reads the first document and nothing after it
    const [doc] = YAML.parseAllDocuments(text, { uniqueKeys: false, intAsBigInt: true });
    if (!doc) return { value: null, duplicates: [] };
    if (doc.errors.length) throw new YAMLSyntaxError(yamlMessage(doc.errors[0]));
    const duplicates = yamlDuplicates(doc.contents);
    const { value, inexact } = exactYAMLNumbers(doc.toJS());
    return { value: value ?? null, duplicates, inexactIntegers: inexact };
  } catch (e) {
    if (e instanceof YAMLSyntaxError) throw e;
    throw new YAMLSyntaxError(yamlMessage(e));
  }
}

/**
 * Integers arrive as BigInt (go-yaml keeps int64 exact): those within ±(2^53-1) become
 * numbers, the rest are reported as JSON bodies report them. Non-finite floats (.inf, .nan)
 * have no JSON form: sigs.k8s.io/yaml's json.Marshal refuses them.
 */
function exactYAMLNumbers(root: unknown): { value: unknown; inexact: InexactNumber[] } {
  const inexact: InexactNumber[] = [];
  const check = (v: unknown, path: string, set: (n: number) => void): unknown => {
    if (typeof v === "bigint") {
      if (isExactInteger(v.toString())) set(Number(v));
      else {
        if (inexact.length < 10) inexact.push({ path, literal: v.toString() });
        set(Number(v));
      }
    } else if (typeof v === "number" && !Number.isFinite(v)) {
      throw new YAMLSyntaxError(`json: unsupported value: ${Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf"}`);
    } else if (v !== null && typeof v === "object") pending.push([v, path]);
    return v;
  };
  const pending: [object, string][] = [];
  let value = root;
  check(root, "", (n) => (value = n));
  while (pending.length) {
    const [node, path] = pending.pop()!;
    if (Array.isArray(node)) node.forEach((x, i) => check(x, `${path}[${i}]`, (n) => (node[i] = n)));
    else {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) check(obj[k], path ? `${path}.${k}` : k, (n) => (obj[k] = n));
    }
  }
  return { value, inexact };
}

/** A `-` followed by one of these (or the end) is a sequence entry, not the start of a scalar. */
function endsIndicator(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || Number.isNaN(c);
}

/**
 * An upper bound of the nesting of YAML text, in one pass without parsing: the YAML library's
 * cost grows faster than the depth it is given (on a deep stack, 200,000 flow levels take
 * seconds), so text that may nest beyond kube's limit never reaches it. Flow levels are the
 * brackets still open (any `[`/`{` counts, quoted or not); a line's block levels are at most
 * twice its indentation (a sequence may sit at its parent key's column) plus its compact
 * entries (`- - - x`), and lines inside a flow collection add none. Only text with thousands
 * of unbalanced brackets inside strings, or indented by thousands of spaces, is refused
 * without being that deep.
 */
function yamlNestingBound(text: string): number {
  let max = 0;
  let flow = 0;
  let lineBlock = 0;
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (atLineStart && flow > 0) {
      // inside a flow collection lines continue it: their indentation adds no block level
      atLineStart = false;
    } else if (atLineStart) {
      // indentation, then compact sequence entries
      let indent = 0;
      while (text.charCodeAt(i) === 0x20) i++, indent++;
      let compact = 0;
      while (text.charCodeAt(i) === 0x2d /* - */ && endsIndicator(text.charCodeAt(i + 1))) {
        compact++;
        i++;
        while (text.charCodeAt(i) === 0x20) i++;
      }
      lineBlock = 2 * indent + compact + 1;
      atLineStart = false;
      i--;
      continue;
    }
    if (c === 0x0a) atLineStart = true;
    else if (c === 0x5b || c === 0x7b) flow++;
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    else continue;
    if (lineBlock + flow > max) max = lineBlock + flow;
  }
  return Math.max(max, lineBlock + flow);
}

/** Paths of repeated mapping keys (strict-decoding errors), walked without recursion; refuses nesting beyond kube's depth. */
function yamlDuplicates(root: unknown): string[] {
  const out: string[] = [];
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: root, path: "", depth: 1 }];
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    if (!YAML.isMap(node) && !YAML.isSeq(node)) continue;
    if (depth > MAX_JSON_DEPTH) throw new YAMLSyntaxError(TOO_DEEP);
    const children: typeof stack = [];
    if (YAML.isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        const k = String(YAML.isScalar(item.key) ? item.key.value : item.key);
        const p = path ? `${path}.${k}` : k;
        if (seen.has(k)) out.push(p);
        seen.add(k);
        children.push({ node: item.value, path: p, depth: depth + 1 });
      }
    } else {
      node.items.forEach((it, i) => children.push({ node: it, path: `${path}[${i}]`, depth: depth + 1 }));
    }
    // reversed onto the stack: visited in document order, as the warnings list them
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}
