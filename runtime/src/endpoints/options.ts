/**
 * Query options of each verb, validated as k8s.io/apimachinery's
 * apis/meta/v1/validation and apis/meta/internalversion/validation do (422 on
 * `<Kind>Options.meta.k8s.io ""`), and parse errors as 400.
 */
import type { FieldError } from "../api/resource.js";
import { errors } from "../api/status.js";
import type { ListOptions } from "../registry/options.js";
import { fieldError } from "../validation/field-errors.js";
import { goQuote } from "../validation/go-format.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteQuery {
  dryRun: boolean;
  fieldManager: string;
  fieldValidation: FieldValidation;
  /** PatchOptions.force (apply only). */
  force: boolean;
}

function invalidOptions(kind: string, errs: FieldError[]) {
  return errors.invalid("meta.k8s.io", kind, "", errs);
}

const FIELD_MANAGER_MAX = 128;

function validateCommon(q: URLSearchParams, errs: FieldError[]): { dryRun: string[]; fieldManager: string; fieldValidation: string } {
  const dryRun = q.getAll("dryRun");
  if (dryRun.some((v) => v !== "All")) {
    errs.push({
      type: "FieldValueNotSupported",
      field: "dryRun",
      message: `Unsupported value: []string{${dryRun.map(goQuote).join(", ")}}: supported values: "All"`,
    });
  }
  const fieldManager = q.get("fieldManager") ?? "";
  if (fieldManager.length > FIELD_MANAGER_MAX) errs.push(fieldError.tooLong("fieldManager", FIELD_MANAGER_MAX));
  [...fieldManager].forEach((ch, i) => {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
      errs.push(
        fieldError.invalid("fieldManager", fieldManager, `invalid character U+${c.toString(16).toUpperCase().padStart(4, "0")} (at position ${i})`),
      );
    }
  });
  const fieldValidation = q.get("fieldValidation") ?? "";
  if (!["", "Ignore", "Strict", "Warn"].includes(fieldValidation)) {
    errs.push(fieldError.notSupported("fieldValidation", fieldValidation, ["", "Ignore", "Strict", "Warn"]));
  }
  return { dryRun, fieldManager, fieldValidation };
}

/** CreateOptions / UpdateOptions / PatchOptions from the query. */
export function parseWriteQuery(q: URLSearchParams, kind: "CreateOptions" | "UpdateOptions" | "PatchOptions", isApply = false): WriteQuery {
  const errs: FieldError[] = [];
  let force = false;
  // ValidatePatchOptions checks force / the apply fieldManager before the common options
  if (kind === "PatchOptions") {
    const f = q.get("force");
    if (f !== null && !isApply) errs.push(fieldError.forbidden("force", "may not be specified for non-apply patch"));
    if (isApply && !q.get("fieldManager")) errs.push(fieldError.required("fieldManager", "is required for apply patch"));
    if (isApply) force = parseBool(q, "force") ?? false;
  }
  const c = validateCommon(q, errs);
  if (errs.length) throw invalidOptions(kind, errs);
  return {
    dryRun: c.dryRun.length > 0,
    fieldManager: c.fieldManager,
    fieldValidation: (c.fieldValidation || "Warn") as FieldValidation,
    force,
  };
}

function parseInt64(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${goQuote(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n !== BigInt.asIntN(64, n)) throw errors.badRequest(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
  return Number(v);
}

function parseBool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  throw errors.badRequest(`strconv.ParseBool: parsing ${goQuote(v)}: invalid syntax`);
}

/** The list and watch options of the query: what the registry takes, and how to serve a watch. */
export interface ListQuery extends ListOptions {
  watch: boolean;
  timeoutSeconds?: number;
}

/** metainternalversion.ListOptions from the query, validated (422 on ListOptions). */
export function parseListQuery(q: URLSearchParams, watchVerb: boolean): ListQuery {
  const lq: ListQuery = {
    watch: watchVerb || parseBool(q, "watch") === true,
    labelSelector: q.get("labelSelector") ?? "",
    fieldSelector: q.get("fieldSelector") ?? "",
    resourceVersion: q.get("resourceVersion") ?? "",
    resourceVersionMatch: q.get("resourceVersionMatch") ?? "",
    limit: parseInt64(q, "limit") ?? 0,
    continue: q.get("continue") ?? "",
    timeoutSeconds: parseInt64(q, "timeoutSeconds"),
    allowWatchBookmarks: parseBool(q, "allowWatchBookmarks") ?? false,
    sendInitialEvents: parseBool(q, "sendInitialEvents"),
  };
  const errs: FieldError[] = [];
  const match = lq.resourceVersionMatch;
  if (lq.watch) {
    if (lq.sendInitialEvents !== undefined && match !== "NotOlderThan") {
      errs.push(fieldError.forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
    }
    if (match) {
      if (lq.sendInitialEvents === undefined) {
        errs.push(fieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
      }
      if (match !== "NotOlderThan") errs.push(fieldError.notSupported("resourceVersionMatch", match, ["NotOlderThan"]));
      if (lq.continue) errs.push(fieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
    }
  } else {
    if (match) {
      if (!lq.resourceVersion) {
        errs.push(fieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
      }
      if (lq.continue) errs.push(fieldError.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
      if (match !== "Exact" && match !== "NotOlderThan") {
        errs.push(fieldError.notSupported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]));
      }
      if (match === "Exact" && lq.resourceVersion === "0") {
        errs.push(fieldError.forbidden("resourceVersionMatch", 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
      }
    }
    if (lq.sendInitialEvents !== undefined) errs.push(fieldError.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
  }
  if (errs.length) throw invalidOptions("ListOptions", errs);
  return lq;
}

export interface DeleteQuery {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun: boolean;
}

/** DeleteOptions from a decoded body or, without a body, from the query; validated. */
export function parseDeleteOptions(body: Record<string, unknown> | undefined, q: URLSearchParams): DeleteQuery {
  let dryRun: string[];
  const opts: DeleteQuery = { dryRun: false };
  if (body) {
    const kind = body.kind;
    const apiVersion = body.apiVersion;
    if (kind !== undefined && kind !== "DeleteOptions") {
      throw errors.badRequest(`${String(kind)} in version "${String(apiVersion ?? "")}" cannot be handled as a DeleteOptions: no kind "${String(kind)}" is registered`);
    }
    if (apiVersion !== undefined && !["v1", "meta.k8s.io/v1", "meta.k8s.io/v1beta1"].includes(String(apiVersion))) {
      throw errors.badRequest(`DeleteOptions in version "${String(apiVersion)}" cannot be handled as a DeleteOptions: no kind "DeleteOptions" is registered for version "${String(apiVersion)}"`);
    }
    const num = (v: unknown, name: string) => {
      if (v === undefined || v === null) return undefined;
      if (typeof v !== "number" || !Number.isInteger(v)) {
        throw errors.badRequest(`json: cannot unmarshal ${typeof v} into Go struct field DeleteOptions.${name} of type int64`);
      }
      return v;
    };
    opts.gracePeriodSeconds = num(body.gracePeriodSeconds, "gracePeriodSeconds");
    if (body.preconditions && typeof body.preconditions === "object") {
      const p = body.preconditions as Record<string, unknown>;
      opts.preconditions = {};
      if (typeof p.uid === "string") opts.preconditions.uid = p.uid;
      if (typeof p.resourceVersion === "string") opts.preconditions.resourceVersion = p.resourceVersion;
    }
    if (typeof body.propagationPolicy === "string") opts.propagationPolicy = body.propagationPolicy;
    if (typeof body.orphanDependents === "boolean") opts.orphanDependents = body.orphanDependents;
    dryRun = Array.isArray(body.dryRun) ? body.dryRun.map(String) : [];
  } else {
    opts.gracePeriodSeconds = parseInt64(q, "gracePeriodSeconds");
    const pp = q.get("propagationPolicy");
    if (pp !== null && pp !== "") opts.propagationPolicy = pp;
    opts.orphanDependents = parseBool(q, "orphanDependents");
    dryRun = q.getAll("dryRun");
  }
  const errs: FieldError[] = [];
  if (opts.orphanDependents !== undefined && opts.propagationPolicy !== undefined) {
    errs.push(fieldError.invalid("propagationPolicy", opts.propagationPolicy, "orphanDependents and deletionPropagation cannot be both set"));
  }
  if (opts.propagationPolicy !== undefined && !["Foreground", "Background", "Orphan"].includes(opts.propagationPolicy)) {
    errs.push(fieldError.notSupported("propagationPolicy", opts.propagationPolicy, ["Foreground", "Background", "Orphan", "nil"]));
  }
  if (dryRun.some((v) => v !== "All")) {
    errs.push({
      type: "FieldValueNotSupported",
      field: "dryRun",
      message: `Unsupported value: []string{${dryRun.map(goQuote).join(", ")}}: supported values: "All"`,
    });
  }
  if (errs.length) throw invalidOptions("DeleteOptions", errs);
  opts.dryRun = dryRun.length > 0;
  return opts;
}
