/**
 * PATCH with `application/apply-patch+yaml` (server-side apply, handlers/patch.go
 * applyPatcher): the body (YAML, or JSON which is YAML) is the applier's configuration;
 * ../fieldmanager merges it and tracks ownership. Applying to a missing object creates
 * it (201) on the main resource; /status needs the object to exist. /scale has its own
 * field manager (./scale.ts).
 */
import type { RequestContext } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";
import type { KubeObject } from "../apimachinery/object.js";
import { applyConfig } from "../fieldmanager/index.js";
import { fieldManagerScope } from "../registry/managedfields.js";
import { BodySyntaxError, decodeBody, YAMLSyntaxError, type Decoded } from "./body.js";
import { writeAdmission } from "./admission.js";
import { applyFieldValidation, rejectInexactIntegers } from "./decode.js";
import type { Env } from "./env.js";
import type { WriteQuery } from "./options.js";
import { writeObject } from "./output.js";
import { checkName } from "./write.js";

export const APPLY_PATCH_TYPE = "application/apply-patch+yaml";

type Obj = Record<string, unknown>;

/** The applier's configuration: a YAML (or JSON) object, with kube's 400s for anything else. */
export function decodeApplyConfig(data: Buffer): { config: Obj; duplicates: string[]; decoded: Decoded } {
  let decoded;
  try {
    decoded = decodeBody(data, "application/yaml");
  } catch (e) {
    // handlers/patch.go applyPatcher: "error decoding YAML: " + sigs.k8s.io/yaml Unmarshal's error
    if (e instanceof YAMLSyntaxError) throw errors.badRequest(`error decoding YAML: error converting YAML to JSON: ${e.message}`);
    if (e instanceof BodySyntaxError) throw errors.badRequest(`error decoding YAML: ${e.message}`);
    throw e;
  }
  const v = decoded.value;
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    const what = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
    throw errors.badRequest(`error decoding YAML: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`);
  }
  return { config: v as Obj, duplicates: decoded.duplicates, decoded };
}

export async function handleApply(
  ctx: RequestContext,
  env: Env,
  subresource: "" | "status",
  data: Buffer,
  wq: WriteQuery,
  target: Parameters<typeof writeObject>[4],
): Promise<void> {
  const { config, duplicates, decoded } = decodeApplyConfig(data);
  const meta = config.metadata;
  if (meta !== undefined && (meta === null || typeof meta !== "object" || Array.isArray(meta))) {
    throw errors.badRequest("error decoding YAML: metadata must be an object");
  }
  // unknown fields are pruned (or rejected with Strict) before ownership is computed
  const kind = config.kind;
  const apiVersion = config.apiVersion;
  const forValidation = { ...config, metadata: meta ?? {} } as unknown as KubeObject;
  rejectInexactIntegers(decoded, env, forValidation);
  applyFieldValidation(ctx, env, forValidation, duplicates, wq.fieldValidation);
  const cleaned = forValidation as unknown as Obj;
  if (meta === undefined && Object.keys(cleaned.metadata as Obj).length === 0) delete cleaned.metadata;
  cleaned.kind = kind;
  cleaned.apiVersion = apiVersion;

  const { name, namespace } = ctx.info;
  const def = env.scope.def;
  const scope = fieldManagerScope(env.scope, subresource);
  const wopts = (operation: "CREATE" | "UPDATE") => ({
    dryRun: wq.dryRun,
    fieldManager: wq.fieldManager,
    userAgent: ctx.req.headers["user-agent"],
    // an apply that creates is admitted as a CREATE, as kube's patch handler does
    admission: writeAdmission(ctx, env, operation),
    applied: true,
  });
  const finish = (obj: Obj): KubeObject => {
    const o = obj as KubeObject;
    if (!o.metadata) o.metadata = {};
    checkName(o, name, namespace);
    if (def.namespaced) o.metadata.namespace = namespace;
    return o;
  };
  try {
    const updated = await env.store.update(
      namespace,
      name,
      subresource,
      (current) => finish(applyConfig(current as Obj, cleaned, wq.fieldManager, wq.force, scope)),
      wopts("UPDATE"),
    );
    writeObject(ctx, env, 200, updated, target);
    return;
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404 && e.status.reason === "NotFound") || subresource) throw e;
  }
  const created = await env.store.create(finish(applyConfig(undefined, cleaned, wq.fieldManager, wq.force, scope)), wopts("CREATE"));
  writeObject(ctx, env, 201, created, target);
}
