/** Writing objects and lists in the negotiated form (JSON, YAML, Table, PartialObjectMetadata[List]). */
import YAML from "yaml";
import type { RequestContext } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import type { Env } from "./env.js";
import type { OutputTarget } from "./negotiation.js";
import { writeJSON } from "./responses.js";
import { encodeJSONValue, writeProtobuf } from "./protobuf.js";
import { parseIncludeObject, partialObjectMetadata, toTable, type ListMeta } from "./transform.js";

function notAcceptable(message: string): StatusError {
  const e = errors.notAcceptable([]);
  e.status.message = message;
  return e;
}

/** Writes an already-serialised JSON body (a string or its UTF-8 bytes) in the target media type. */
export function writeSerialized(ctx: RequestContext, code: number, json: string | Buffer, target: OutputTarget): void {
  if (target.codec) return writeProtobuf(ctx.res, code, encodeJSONValue(target.codec, JSON.parse(json.toString())));
  if (target.mediaType === "application/yaml") {
    writeJSON(ctx.res, code, YAML.stringify(JSON.parse(json.toString())), "application/yaml");
    return;
  }
  writeJSON(ctx.res, code, target.pretty ? JSON.stringify(JSON.parse(json.toString()), null, 2) + "\n" : json);
}

export function writeValue(ctx: RequestContext, code: number, value: unknown, target: OutputTarget): void {
  // protobuf for Status and the kind itself; anything else (e.g. autoscaling/v1 Scale) stays JSON
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (target.codec && (kind === "Status" || kind === target.codec.names.kind)) return writeProtobuf(ctx.res, code, encodeJSONValue(target.codec, value as Record<string, unknown>));
  if (target.mediaType === "application/yaml") writeJSON(ctx.res, code, YAML.stringify(value), "application/yaml");
  else writeJSON(ctx.res, code, target.pretty ? JSON.stringify(value, null, 2) + "\n" : JSON.stringify(value));
}

/** One stored object, converted as asked. Status bodies are never converted. */
export function writeObject(ctx: RequestContext, env: Env, code: number, obj: KubeObject, target: OutputTarget): void {
  switch (target.convert) {
    case undefined:
      if (target.codec) return writeProtobuf(ctx.res, code, target.codec.encodeObject(obj));
      writeSerialized(ctx, code, env.store.transient.has(obj) ? JSON.stringify(obj) : env.cache.json(env.scope.root, obj), target);
      return;
    case "PartialObjectMetadata":
      writeValue(ctx, code, partialObjectMetadata(obj, target.convertVersion!), target);
      return;
    case "PartialObjectMetadataList":
      throw notAcceptable("you requested PartialObjectMetadataList, but the requested object is not a list (*unstructured.Unstructured)");
    case "Table":
      writeValue(
        ctx,
        code,
        toTable(env.scope, [obj], { resourceVersion: obj.metadata.resourceVersion ?? "" }, tableOptions(ctx, env, target)),
        target,
      );
      return;
  }
}

/** How a Table response is built for this request: its includeObject, version and the server's date cells. */
function tableOptions(ctx: RequestContext, env: Env, target: OutputTarget): Parameters<typeof toTable>[3] {
  return { includeObject: parseIncludeObject(ctx.query), version: target.convertVersion!, withHeader: true, dateCells: env.opts.dateCells, now: env.opts.now() };
}

function listMetaJSON(meta: ListMeta): string {
  const m: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) m.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) m.remainingItemCount = meta.remainingItemCount;
  return JSON.stringify(m);
}

/** A plain list's JSON bytes, concatenated from each item's cached JSON. */
function listJSON(env: Env, items: KubeObject[], meta: ListMeta): Buffer {
  const { scope } = env;
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = env.cache.json(scope.root, items[i]);
  const head = `{"kind":${JSON.stringify(scope.def.listKind)},"apiVersion":${JSON.stringify(scope.apiVersion)},"metadata":${listMetaJSON(meta)},"items":[`;
  return joinedBytes(head, parts, "]}");
}

/**
 * The UTF-8 bytes of `head + parts.join(",") + tail`, written straight into one buffer.
 * Joining first would put megabytes of strings on the JS heap twice more (the join, then
 * the concatenation), each time in fresh memory, which costs far more than the copying.
 */
function joinedBytes(head: string, parts: string[], tail: string): Buffer {
  let size = Buffer.byteLength(head) + Math.max(parts.length - 1, 0) + Buffer.byteLength(tail);
  for (const part of parts) size += Buffer.byteLength(part);
  const bytes = Buffer.allocUnsafe(size);
  let at = bytes.write(head, 0);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) bytes[at++] = 0x2c; // ","
    at += bytes.write(parts[i]!, at);
  }
  bytes.write(tail, at);
  return bytes;
}

/** A list in the negotiated form. Returns the JSON bytes of plain lists (for the list cache). */
export function writeList(ctx: RequestContext, env: Env, items: KubeObject[], meta: ListMeta, target: OutputTarget): Buffer | undefined {
  const { scope } = env;
  switch (target.convert) {
    case undefined: {
      if (target.codec) {
        writeProtobuf(ctx.res, 200, target.codec.encodeList({ metadata: JSON.parse(listMetaJSON(meta)), items }));
        return undefined;
      }
      const body = listJSON(env, items, meta);
      writeSerialized(ctx, 200, body, target);
      return body;
    }
    case "PartialObjectMetadata":
      throw notAcceptable("you requested PartialObjectMetadata, but the requested object is a list (*unstructured.UnstructuredList)");
    case "PartialObjectMetadataList":
      writeValue(
        ctx,
        200,
        {
          kind: "PartialObjectMetadataList",
          apiVersion: `meta.k8s.io/${target.convertVersion}`,
          metadata: JSON.parse(listMetaJSON(meta)),
          items: items.map((o) => partialObjectMetadata(o, target.convertVersion!)),
        },
        target,
      );
      return undefined;
    case "Table":
      writeValue(
        ctx,
        200,
        toTable(scope, items, meta, tableOptions(ctx, env, target)),
        target,
      );
      return undefined;
  }
}
