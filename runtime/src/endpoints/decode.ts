/**
 * Turning a request body into an object of the served kind: size limit, media type,
 * syntax, apiVersion/kind, then field validation (unknown and duplicate fields: Strict
 * -> 400, Warn -> Warning headers, Ignore -> silent; unknown fields are always pruned).
 */
import type { RequestContext } from "../api/request.js";
import { errors } from "../api/status.js";
import { pruneObjectMeta } from "../registry/meta.js";
import { dropNulls } from "../registry/nulls.js";
import type { KubeObject } from "../apimachinery/object.js";
import { pruneUnknownFields } from "../validation/prune.js";
import {
  afterPendingIO,
  BODY_MEDIA_TYPES,
  BodySyntaxError,
  contentTypeOf,
  decodeBody,
  LARGE_BODY_BYTES,
  readBody,
  summarizeData,
  YAMLSyntaxError,
  type Decoded,
} from "./body.js";
import { MAX_EXACT_INTEGER } from "@skai-gen/client/jsonscan";
import { fieldError } from "../validation/field-errors.js";
import type { Env } from "./env.js";
import type { FieldValidation } from "./options.js";
import { codecFor, isProtobufBody, readProtobufBody } from "./protobuf.js";
import { addWarnings } from "./responses.js";

export interface Expected {
  kind: string;
  apiVersion: string;
  /** Version shown in decode errors. */
  version: string;
}

export function expectedFor(env: Env): Expected {
  return { kind: env.scope.def.kind, apiVersion: env.scope.apiVersion, version: env.scope.def.version };
}

/**
 * Reads and parses a body (JSON or YAML) in kube's order: media type (415), body
 * (413), then `afterRead` (options validation), then decoding; malformed input is a 400
 * like kube's transformDecodeError.
 */
export async function readDecoded(
  ctx: RequestContext,
  env: Env,
  kind: string,
  afterRead: () => void = () => {},
): Promise<{ data: Buffer; decoded: Decoded }> {
  // protobuf bodies of the kind itself (not of Scale), for kinds with descriptors
  const codec = kind === env.scope.def.kind && isProtobufBody(ctx) ? codecFor(env.scope) : undefined;
  if (codec) return readProtobufBody(ctx, env.scope, codec, env.opts.maxBodyBytes, afterRead);
  const mediaType = contentTypeOf(ctx.req);
  if (mediaType !== "" && !BODY_MEDIA_TYPES.includes(mediaType)) throw errors.unsupportedMediaType(BODY_MEDIA_TYPES);
  const data = await readBody(ctx.req, ctx.res, env.opts.maxBodyBytes);
  afterRead();
  let decoded: Decoded;
  try {
    decoded = decodeBody(data, contentTypeOf(ctx.req));
  } catch (e) {
    if (e instanceof BodySyntaxError) {
      // YAML that does not convert to JSON fails before the version/kind is looked for (json.Serializer.Decode)
      const reason = e instanceof YAMLSyntaxError ? e.message : `couldn't get version/kind; ${e.message}`;
      throw errors.badRequest(`the object provided is unrecognized (must be of type ${kind}): ${reason} (${summarizeData(data)})`);
    }
    throw e;
  }
  if (decoded.outOfRange !== undefined) throw numberOutOfRange(kind, kind === env.scope.def.kind ? env.scope.def.version : "v1", decoded.outOfRange);
  if (data.length >= LARGE_BODY_BYTES) await afterPendingIO();
  return { data, decoded };
}

/** What sigs.k8s.io/json answers for a number float64 cannot hold, through handlers/rest.go transformDecodeError. */
export function numberOutOfRange(kind: string, version: string, literal: string) {
  return errors.badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: json: cannot unmarshal number ${literal} into Go value of type float64`);
}

/**
 * kube's decoder keeps integers exact as int64; JSON.parse would round those
 * beyond 2^53. Rather than store a changed number, such a value is refused with
 * a 422 naming the field (the range is apimachinery's InclusiveRangeError wording).
 */
export function rejectInexactIntegers(decoded: Decoded, env: Env, obj: KubeObject): void {
  const found = decoded.inexactIntegers ?? [];
  if (found.length === 0) return;
  const range = `must be between ${-MAX_EXACT_INTEGER} and ${MAX_EXACT_INTEGER}, inclusive`;
  const errs = found.map((n) => fieldError.invalid(n.path || "<root>", BigInt(n.literal), range));
  throw errors.invalid(env.scope.def.group, env.scope.def.kind, String(obj.metadata?.name ?? ""), errs);
}

/** apiVersion/kind must be the endpoint's (missing ones default to it, as typed decoding does). */
export function checkTypeMeta(value: unknown, data: Buffer, exp: Expected): KubeObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw errors.badRequest(
      `the object provided is unrecognized (must be of type ${exp.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (${summarizeData(data)})`,
    );
  }
  const obj = value as Record<string, unknown>;
  const kind = obj.kind ?? exp.kind;
  const apiVersion = obj.apiVersion ?? exp.apiVersion;
  if (typeof kind !== "string" || typeof apiVersion !== "string") {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${exp.kind}): couldn't get version/kind; json parse error: kind and apiVersion must be strings (${summarizeData(data)})`);
  }
  if (apiVersion !== exp.apiVersion) {
    throw errors.badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${exp.apiVersion})`);
  }
  if (kind !== exp.kind) {
    const version = apiVersion.includes("/") ? apiVersion.split("/")[1] : apiVersion;
    throw errors.badRequest(
      `${kind} in version "${version}" cannot be handled as a ${exp.kind}: no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/runtime/scheme.go:100"`,
    );
  }
  obj.kind = kind;
  obj.apiVersion = apiVersion;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (typeof obj.metadata !== "object" || Array.isArray(obj.metadata)) {
    throw errors.badRequest(
      `${exp.kind} in version "${exp.version}" cannot be handled as a ${exp.kind}: json: cannot unmarshal ${Array.isArray(obj.metadata) ? "array" : typeof obj.metadata} into Go struct field ${exp.kind}.metadata of type v1.ObjectMeta`,
    );
  }
  return obj as KubeObject;
}

/**
 * Prunes unknown fields and applies the fieldValidation directive to them and to
 * duplicate fields found while parsing.
 */
export function applyFieldValidation(
  ctx: RequestContext,
  env: Env,
  obj: KubeObject,
  duplicates: string[],
  directive: FieldValidation,
): void {
  dropNulls(obj as Record<string, unknown>, env.scope.def.schema);
  const unknown = [...pruneObjectMeta(obj.metadata as Record<string, unknown>), ...pruneUnknownFields(obj, env.scope.def.schema)];
  if (directive === "Ignore") return;
  const problems = [...duplicates.map((d) => `duplicate field "${d}"`), ...unknown.map((u) => `unknown field "${u}"`)];
  if (problems.length === 0) return;
  const kind = env.scope.def.kind;
  if (directive === "Strict") {
    throw errors.badRequest(
      `${kind} in version "${env.scope.def.version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(", ")}`,
    );
  }
  addWarnings(ctx.res, problems);
}
