/**
 * Apply conflicts and the 409 kube-apiserver answers with
 * (util/managedfields/internal/conflict.go, errors.NewApplyConflict).
 */
import { StatusError, type StatusCause } from "../api/status.js";
import type { ManagerSet } from "./managers.js";
import { pathString } from "./pathelement.js";

export interface Conflict {
  manager: ManagerSet;
  path: string[];
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflicts`);
  }
}

/** printManager: applier by name; updaters with their version (identities carry no time). */
function printManager(m: ManagerSet): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === "Update") s += ` using ${m.apiVersion}`;
  return s;
}

function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const k = JSON.stringify([c.manager.manager, c.manager.operation, c.manager.apiVersion, c.manager.subresource]);
    byManager.set(k, [...(byManager.get(k) ?? []), c]);
  }
  const lines: string[] = [];
  for (const k of [...byManager.keys()].sort()) {
    const cs = byManager.get(k)!;
    lines.push(`conflicts with ${printManager(cs[0].manager)}:`);
    for (const c of cs) lines.push(`- ${pathString(c.path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

export function conflictStatusError(conflicts: Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  return new StatusError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: conflictMessage(conflicts),
    reason: "Conflict",
    details: { causes },
    code: 409,
  });
}
