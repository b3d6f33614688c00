/**
 * PATCH (handlers/patch.go) of the main resource, /status and /scale: JSON patch,
 * merge patch and strategic merge patch (schema-driven); server-side apply
 * (apply-patch+yaml) is handed to ./apply.ts, and every write of /scale to ./scale.ts.
 */
import { writeAdmission } from "./admission.js";
import type { RequestContext } from "../api/request.js";
import type { StructuralSchema } from "../api/resource.js";
import { errors, type Status, StatusError } from "../api/status.js";
import { applyJSONPatch, decodeJSONPatch, JSONPatchApplyError, JSONPatchDecodeError } from "../apimachinery/jsonpatch.js";
import { applyMergePatch } from "../apimachinery/mergepatch.js";
import { applyStrategicMergePatch, StrategicMergePatchError } from "../apimachinery/strategicpatch.js";
import { APPLY_PATCH_TYPE, handleApply } from "./apply.js";
import type { KubeObject } from "../apimachinery/object.js";
import { contentTypeOf, MAX_JSON_DEPTH, readBody } from "./body.js";
import { scanJSON } from "@skai-gen/client/jsonscan";
import { applyFieldValidation, checkTypeMeta, expectedFor, numberOutOfRange, rejectInexactIntegers } from "./decode.js";
import type { Env } from "./env.js";
import { parseWriteQuery } from "./options.js";
import { writeObject } from "./output.js";
import { outputFor } from "./read.js";
import { applyToScale, updateScale } from "./scale.js";
import { checkName } from "./write.js";

const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

const MAX_JSON_PATCH_OPERATIONS = 10000;

type PatchType = (typeof PATCH_TYPES)[number];

function unprocessable(message: string): StatusError {
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "the server rejected our request due to an error in our request",
    reason: "Invalid",
    details: { causes: [{ reason: "UnexpectedServerResponse", message }] },
    code: 422,
  });
}

/** handlers/patch.go interpretStrategicMergePatchError, then ErrorToAPIStatus for the errors it passes through. */
function strategicPatchStatus(e: StrategicMergePatchError): StatusError {
  if (e.kind === "BadRequest") return errors.badRequest(e.message);
  const status: Status =
    e.kind === "Unprocessable"
      ? // NewGenericServerResponse(422, ...) without a resource or causes
        { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 }
      : // kube passes the remaining errors (a directive of the wrong type, a list item without
        // its merge key) through as plain errors, so its clients see a 500 for their own
        // malformed patch. The request is what is wrong: answer it as the BadRequest it is,
        // with kube's text, and keep 5xx for the server's own failures.
        errors.badRequest(e.message).status;
  return new StatusError(status, { cause: e });
}

/**
 * ObjectMeta's patch strategies (k8s.io/apimachinery types.go tags): finalizers merge as a
 * set, ownerReferences merge by uid. Kind schemas leave metadata opaque, so add them here.
 */
const OBJECT_META_PATCH_SCHEMA: StructuralSchema = {
  type: "object",
  properties: {
    finalizers: { type: "array", items: { type: "string" }, "x-kubernetes-patch-strategy": "merge" },
    ownerReferences: {
      type: "array",
      items: { type: "object" },
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-patch-merge-key": "uid",
    },
  },
};

const patchSchemas = new WeakMap<StructuralSchema, StructuralSchema>();

function smpSchema(schema: StructuralSchema): StructuralSchema {
  let s = patchSchemas.get(schema);
  if (!s) {
    s = { ...schema, properties: { ...schema.properties, metadata: OBJECT_META_PATCH_SCHEMA } };
    patchSchemas.set(schema, s);
  }
  return s;
}

function applyPatch(type: PatchType, doc: unknown, patch: unknown, env: Env, scale: boolean): unknown {
  try {
    switch (type) {
      case "application/json-patch+json":
        return applyJSONPatch(doc, patch as never);
      case "application/merge-patch+json":
        return applyMergePatch(doc, patch);
      case "application/strategic-merge-patch+json":
        return applyStrategicMergePatch(doc, patch, scale ? undefined : smpSchema(env.scope.def.schema));
    }
  } catch (e) {
    if (e instanceof JSONPatchApplyError) throw unprocessable(e.message);
    if (e instanceof StrategicMergePatchError) throw strategicPatchStatus(e);
    throw e;
  }
}

export async function handlePatch(ctx: RequestContext, env: Env, subresource: "" | "status" | "scale"): Promise<void> {
  const type = contentTypeOf(ctx.req) as PatchType;
  if (!PATCH_TYPES.includes(type)) throw errors.unsupportedMediaType([...PATCH_TYPES]);
  const target = outputFor(ctx, false, env.scope);
  const data = await readBody(ctx.req, ctx.res, env.opts.maxBodyBytes);
  const wq = parseWriteQuery(ctx.query, "PatchOptions", type === APPLY_PATCH_TYPE);
  if (type === APPLY_PATCH_TYPE) {
    if (subresource === "scale") return applyToScale(ctx, env, target, data, wq);
    return handleApply(ctx, env, subresource, data, wq, target);
  }
  let patch: unknown;
  const text = data.toString("utf8");
  // duplicate fields in a merge-style patch are strict-decoding errors too
  const scan = scanJSON(text, MAX_JSON_DEPTH);
  const duplicates = type === "application/json-patch+json" ? [] : scan.duplicates;
  // The patch decoders' own errors: encoding/json's depth limit (json-patch DecodePatch), evanphx's ErrBadJSONPatch (merge patches).
  if (scan.tooDeep) throw errors.badRequest(type === "application/json-patch+json" ? `invalid character '${scan.tooDeepAt}' exceeded max depth` : "Invalid JSON Patch");
  if (scan.outOfRange !== undefined) throw numberOutOfRange(env.scope.def.kind, env.scope.def.version, scan.outOfRange);
  try {
    patch = JSON.parse(text);
  } catch {
    throw errors.badRequest(type === "application/json-patch+json" ? "invalid character in JSON patch" : "Invalid JSON Patch");
  }
  if (type === "application/json-patch+json") {
    try {
      patch = decodeJSONPatch(patch);
    } catch (e) {
      if (e instanceof JSONPatchDecodeError) throw errors.badRequest(e.message);
      throw e;
    }
    const n = (patch as unknown[]).length;
    if (n > MAX_JSON_PATCH_OPERATIONS) {
      throw errors.requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${n}`);
    }
  } else if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
    if (type === "application/strategic-merge-patch+json") throw errors.badRequest("Invalid JSON Patch");
  }
  // handlers/patch.go: the patch applies to the Scale, which records its manager
  if (subresource === "scale") return updateScale(ctx, env, target, wq, (old) => applyPatch(type, old, patch, env, true) as Record<string, unknown>);

  const { name, namespace } = ctx.info;
  const wopts = {
    dryRun: wq.dryRun,
    fieldManager: wq.fieldManager,
    userAgent: ctx.req.headers["user-agent"],
    admission: writeAdmission(ctx, env, "UPDATE"),
  };
  let reported = false;
  const produce = (current: KubeObject): KubeObject => {
    const currentRV = current.metadata.resourceVersion;
    const patched = applyPatch(type, current, patch, env, false);
    const obj = checkTypeMeta(patched, data, expectedFor(env));
    rejectInexactIntegers({ value: patch, duplicates: [], inexactIntegers: scan.inexactIntegers }, env, obj);
    // warnings once, even if the storage retries the update
    if (!reported) applyFieldValidation(ctx, env, obj, duplicates, wq.fieldValidation);
    else applyFieldValidation(ctx, env, obj, [], "Ignore");
    reported = true;
    checkName(obj, name, namespace);
    if (env.scope.def.namespaced) obj.metadata.namespace = namespace;
    if (!obj.metadata.resourceVersion) obj.metadata.resourceVersion = currentRV;
    return obj;
  };
  const updated = await env.store.update(namespace, name, subresource, produce, wopts);
  writeObject(ctx, env, 200, updated, target);
}
