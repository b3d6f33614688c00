/**
 * Conversions a client can ask for with `as=` (handlers/response.go): Table
 * (from the kind's print columns, as apiextensions' table convertor builds it) and
 * PartialObjectMetadata / PartialObjectMetadataList.
 */
import type { PrintColumnDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import { compileJSONPath } from "../apimachinery/jsonpath.js";
import type { ResourceScope } from "../registry/scope.js";
import type { KubeObject } from "../apimachinery/object.js";

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type IncludeObject = "None" | "Metadata" | "Object";

export function parseIncludeObject(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject") ?? "";
  if (v === "" || v === "Metadata") return "Metadata";
  if (v === "None" || v === "Object") return v;
  throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(v)}`);
}

export function partialObjectMetadata(obj: KubeObject, version: string): Record<string, unknown> {
  return { kind: "PartialObjectMetadata", apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

const NAME_DESCRIPTION =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/** apiextensions adds Age when a kind declares no columns. */
const DEFAULT_COLUMNS: PrintColumnDefinition[] = [
  {
    name: "Age",
    type: "date",
    jsonPath: ".metadata.creationTimestamp",
    priority: 0,
    description:
      "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  },
];

export interface TableOptions {
  includeObject: IncludeObject;
  version: string;
  /** false for watch events after the first (no column definitions). */
  withHeader: boolean;
  /** How `date` cells are written: kube's CR convertor sends a human duration ("5m"). */
  dateCells: "human" | "rfc3339";
  now?: Date;
}

/** duration.HumanDuration from k8s.io/apimachinery/pkg/util/duration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function columnsOf(scope: ResourceScope): PrintColumnDefinition[] {
  return scope.def.printColumns.length ? scope.def.printColumns : DEFAULT_COLUMNS;
}

/** cellForJSONValue of apiextensions' table convertor; missing values are null. */
function cell(col: PrintColumnDefinition, value: unknown, opts: TableOptions): unknown {
  if (value === undefined || value === null) return null;
  switch (col.type) {
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date": {
      if (typeof value !== "string") return null;
      const t = Date.parse(value);
      if (Number.isNaN(t)) return "<invalid>";
      if (opts.dateCells === "rfc3339") return value;
      return humanDuration((opts.now ?? new Date()).getTime() - t);
    }
    default:
      // string columns print whatever is there, as the jsonpath printer does
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return JSON.stringify(value);
  }
}

export function columnDefinitions(scope: ResourceScope): Record<string, unknown>[] {
  return [
    { name: "Name", type: "string", format: "name", description: NAME_DESCRIPTION, priority: 0 },
    ...columnsOf(scope).map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? "",
      description: c.description ?? "",
      priority: c.priority ?? 0,
    })),
  ];
}

function row(scope: ResourceScope, obj: KubeObject, opts: TableOptions): Record<string, unknown> {
  const cells: unknown[] = [obj.metadata.name ?? ""];
  for (const col of columnsOf(scope)) cells.push(cell(col, compileJSONPath(col.jsonPath)(obj)[0], opts));
  const r: Record<string, unknown> = { cells };
  if (opts.includeObject === "Metadata") r.object = partialObjectMetadata(obj, opts.version);
  else if (opts.includeObject === "Object") r.object = obj;
  else r.object = null;
  return r;
}

export function toTable(scope: ResourceScope, objs: KubeObject[], meta: ListMeta, opts: TableOptions): Record<string, unknown> {
  const metadata: Record<string, unknown> = { resourceVersion: meta.resourceVersion };
  if (meta.continue) metadata.continue = meta.continue;
  if (meta.remainingItemCount !== undefined) metadata.remainingItemCount = meta.remainingItemCount;
  return {
    kind: "Table",
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata,
    columnDefinitions: opts.withHeader ? columnDefinitions(scope) : null,
    rows: objs.map((o) => row(scope, o, opts)),
  };
}
