/**
 * The handlers' side of protobuf (wire-spec §10): one codec per served kind,
 * protobuf request bodies, and protobuf responses and watch frames. Negotiation
 * offers protobuf only for kinds whose definition carries descriptors; Table and
 * PartialObjectMetadata stay JSON-only, as for kube-apiserver's CRDs.
 */
import type { ServerResponse } from "node:http";
import type { RequestContext } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import { KindCodec, PROTOBUF_MEDIA_TYPE } from "@skai-gen/client/protobuf";
import type { ResourceScope } from "../registry/scope.js";
import { readBody, summarizeData, type Decoded } from "./body.js";
import type { WatchEvent } from "../apimachinery/watch.js";

export { PROTOBUF_MEDIA_TYPE };

const codecs = new WeakMap<ResourceDefinition, KindCodec>();

/** The kind's codec, or undefined when it has no protobuf descriptors. */
export function codecFor(scope: ResourceScope): KindCodec | undefined {
  const def = scope.def;
  if (!def.protobuf) return undefined;
  let c = codecs.get(def);
  if (!c) {
    c = new KindCodec(def.protobuf, { apiVersion: scope.apiVersion, kind: def.kind, listKind: def.listKind });
    codecs.set(def, c);
  }
  return c;
}

export function writeProtobuf(res: ServerResponse, code: number, body: Buffer): void {
  res.setHeader("Content-Type", PROTOBUF_MEDIA_TYPE);
  if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-cache, private");
  res.setHeader("Content-Length", body.length);
  res.statusCode = code;
  res.end(body);
}

/** Encodes a JSON body (an object, a list or a Status) for a protobuf response. */
export function encodeJSONValue(codec: KindCodec, value: Record<string, unknown>): Buffer {
  if (value.kind === "Status") return codec.encodeStatus(value);
  if (Array.isArray(value.items)) return codec.encodeList(value as { metadata?: Record<string, unknown>; items: Record<string, unknown>[] });
  return codec.encodeObject(value);
}

/** A protobuf request body of the kind: read under the size limit, then decoded; malformed input is a 400. */
export async function readProtobufBody(ctx: RequestContext, scope: ResourceScope, codec: KindCodec, maxBytes: number, afterRead: () => void): Promise<{ data: Buffer; decoded: Decoded }> {
  const data = await readBody(ctx.req, ctx.res, maxBytes);
  afterRead();
  try {
    const found = { inexactIntegers: [] as string[] };
    const value = codec.decode(data, 0, data.length, found);
    return { data, decoded: { value, duplicates: [], inexactIntegers: found.inexactIntegers.map((literal) => ({ literal, path: pathOfNumber(value, Number(literal)) })) } };
  } catch (e) {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${scope.def.kind}): ${(e as Error).message} (${summarizeData(data)})`);
  }
}

/** Where `target` sits in a decoded value (kube's field path), found after the fact for an error message. */
function pathOfNumber(value: unknown, target: number): string {
  const pending: [unknown, string][] = [[value, ""]];
  while (pending.length > 0) {
    const [v, path] = pending.pop()!;
    if (v === target) return path;
    if (Array.isArray(v)) v.forEach((x, i) => pending.push([x, `${path}[${i}]`]));
    else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) pending.push([x, path ? `${path}.${k}` : k]);
    }
  }
  return "";
}

/** Whether the request body is protobuf for a kind that speaks it. */
export function isProtobufBody(ctx: RequestContext): boolean {
  return (ctx.req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

export { PROTOBUF_WATCH_MEDIA_TYPE } from "@skai-gen/client/protobuf";

/**
 * One watch event as a length-prefixed protobuf frame. A BOOKMARK carries only
 * metadata (resourceVersion and the initial-events-end annotation), as in JSON.
 */
export function protobufWatchFrame(codec: KindCodec, ev: WatchEvent): Buffer {
  if (ev.type === "BOOKMARK") {
    const { apiVersion, kind } = codec.names;
    return codec.encodeWatchEvent("BOOKMARK", { apiVersion, kind, metadata: ev.object.metadata });
  }
  return codec.encodeWatchEvent(ev.type, ev.object);
}
