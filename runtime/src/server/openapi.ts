/**
 * /openapi/v2, /openapi/v3 and /openapi/v3/apis/<group>/<version>, from the
 * documents the generator emitted. Bodies and hashes are computed once.
 * Unlike kube, a stale ?hash= is answered with the current document instead of
 * a 301: kube-apiserver turns a backend redirect into a 502 (wire-spec §2.1).
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { matches, parseAccept } from "./accept.js";
import type { PreparedBody } from "./responses.js";

export interface OpenAPIDocuments {
  /** Swagger 2.0 document. */
  v2: object;
  /** OpenAPI 3 documents keyed `apis/<group>/<version>`. */
  v3: Record<string, object>;
}

interface HashedDocument extends PreparedBody {
  /** Uppercase hex SHA-512 of the body (kube-openapi handler3 computeETag). */
  hash: string;
}

export interface OpenAPIBodies {
  v2: HashedDocument;
  v3Root: PreparedBody;
  /** Keyed by request path, e.g. /openapi/v3/apis/shop.example.com/v1alpha1. */
  v3: Map<string, HashedDocument>;
}

function hashed(value: unknown): HashedDocument {
  const body = Buffer.from(JSON.stringify(value));
  const hash = createHash("sha512").update(body).digest("hex").toUpperCase();
  return { body, hash, etag: `"${hash}"`, contentType: "application/json" };
}

export function buildOpenAPI(docs: OpenAPIDocuments): OpenAPIBodies {
  const v3 = new Map<string, HashedDocument>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of Object.keys(docs.v3).sort()) {
    const doc = hashed(docs.v3[key]);
    v3.set(`/openapi/v3/${key}`, doc);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` };
  }
  return {
    v2: hashed(docs.v2),
    v3Root: { body: Buffer.from(JSON.stringify({ paths })), contentType: "application/json" },
    v3,
  };
}

/**
 * True when the Accept header lets us answer JSON. An empty header is taken as
 * JSON (kube would 406; answering is kinder to curl and probes). Protobuf-only
 * Accept headers, which kubectl sends for v2, get a 406 so kubectl treats v2 as
 * absent (wire-spec §2.2).
 */
function acceptsJSON(accept: string | undefined): boolean {
  if (!accept) return true;
  for (const c of parseAccept(accept)) {
    if (c.q > 0 && matches(c, "application", "json")) return true;
  }
  return false;
}

function notAcceptable(res: ServerResponse): void {
  res.writeHead(406, { "Content-Length": 0 });
  res.end();
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const header = req.headers["if-none-match"];
  return !!header && header.split(",").some((v) => v.trim() === etag);
}

function writeDocument(req: IncomingMessage, res: ServerResponse, doc: HashedDocument, headers: Record<string, string>): void {
  headers.ETag = doc.etag!;
  if (notModified(req, doc.etag!)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers["Content-Type"] = doc.contentType;
  res.writeHead(200, { ...headers, "Content-Length": doc.body.length });
  res.end(req.method === "HEAD" ? undefined : doc.body);
}

export function serveOpenAPIV2(req: IncomingMessage, res: ServerResponse, bodies: OpenAPIBodies): void {
  if (!acceptsJSON(req.headers.accept)) return notAcceptable(res);
  writeDocument(req, res, bodies.v2, { Vary: "Accept" });
}

export function serveOpenAPIV3Root(req: IncomingMessage, res: ServerResponse, bodies: OpenAPIBodies): void {
  const p = bodies.v3Root;
  res.writeHead(200, { "Content-Type": p.contentType, "Content-Length": p.body.length });
  res.end(req.method === "HEAD" ? undefined : p.body);
}

/** Returns false when no document lives at `path` (the caller answers 404). */
export function serveOpenAPIV3Document(
  req: IncomingMessage,
  res: ServerResponse,
  bodies: OpenAPIBodies,
  path: string,
  query: URLSearchParams,
): boolean {
  const doc = bodies.v3.get(path);
  if (!doc) return false;
  if (!acceptsJSON(req.headers.accept)) {
    notAcceptable(res);
    return true;
  }
  const headers: Record<string, string> = {};
  // Immutable caching only when the URL names exactly this content.
  if (query.get("hash") === doc.hash) {
    headers.Vary = "Accept";
    headers["Cache-Control"] = "public, immutable";
    headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  }
  writeDocument(req, res, doc, headers);
  return true;
}
