/**
 * One pass over JSON text (already known or about to be checked as valid) that finds
 * what JSON.parse silently accepts but Kubernetes' strict decoder reports: duplicate
 * object keys (reported with their field path, as sigs.k8s.io/json does) and nesting
 * deeper than the limit (kube's decoder stops at 10000 levels).
 */

export interface JSONScanResult {
  /** Paths of duplicated fields, e.g. `spec.replicas`, `spec.items[0].name`. */
  duplicates: string[];
  tooDeep: boolean;
}

interface Frame {
  obj: boolean;
  path: string;
  keys?: Set<string>;
  key: string;
  expectKey: boolean;
  index: number;
}

const QUOTE = 34;
const BACKSLASH = 92;

export function scanJSON(text: string, maxDepth = 10000): JSONScanResult {
  const duplicates: string[] = [];
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j++;
        } else if (d === QUOTE) break;
      }
      const top = stack[stack.length - 1];
      if (top && top.obj && top.expectKey) {
        const raw = text.slice(i + 1, j);
        let key = raw;
        if (escaped) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            /* invalid JSON: JSON.parse reports it */
          }
        }
        if (top.keys!.has(key)) duplicates.push(top.path ? `${top.path}.${key}` : key);
        top.keys!.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
      continue;
    }
    switch (c) {
      case 123: // {
      case 91: {
        // [
        const top = stack[stack.length - 1];
        let path = "";
        if (top) path = top.obj ? (top.path ? `${top.path}.${top.key}` : top.key) : `${top.path}[${top.index}]`;
        if (stack.length >= maxDepth) return { duplicates, tooDeep: true };
        stack.push(c === 123 ? { obj: true, path, keys: new Set(), key: "", expectKey: true, index: 0 } : { obj: false, path, key: "", expectKey: false, index: 0 });
        break;
      }
      case 125: // }
      case 93: // ]
        stack.pop();
        break;
      case 44: {
        // ,
        const top = stack[stack.length - 1];
        if (top) {
          if (top.obj) top.expectKey = true;
          else top.index++;
        }
        break;
      }
    }
  }
  return { duplicates, tooDeep: false };
}
