/** RFC 7386 JSON Merge Patch (null deletes, objects merge recursively, anything else replaces). */
import { deepCopyJSON } from "./deepcopy.js";

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Applies `patch` to `target` (which it may modify) and returns the result.
 * Walks with an explicit stack: a patch may nest as deep as the decoder allows.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return deepCopyJSON(patch);
  const root: Record<string, unknown> = isObject(target) ? target : {};
  const pending: [Record<string, unknown>, Record<string, unknown>][] = [[root, patch]];
  while (pending.length > 0) {
    const [out, p] = pending.pop()!;
    for (const [k, v] of Object.entries(p)) {
      if (v === null) delete out[k];
      else if (!isObject(v)) out[k] = deepCopyJSON(v);
      else {
        const existing = out[k];
        const child = isObject(existing) ? existing : {};
        out[k] = child;
        pending.push([child, v]);
      }
    }
  }
  return root;
}
