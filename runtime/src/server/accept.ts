/**
 * Accept header parsing as goautoneg.ParseAccept (the one kube vendors):
 * clauses sorted by q, then by specificity. Parsed headers are memoised
 * because clients send the same few Accept values over and over.
 */
export interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
  params: Record<string, string>;
}

const cache = new Map<string, AcceptClause[]>();
const CACHE_LIMIT = 512;

export function parseAccept(header: string | undefined): AcceptClause[] {
  if (!header) return [];
  const hit = cache.get(header);
  if (hit) return hit;
  const parsed = parse(header);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(header, parsed);
  return parsed;
}

function parse(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(",")) {
    const pieces = part.split(";");
    const mediaRange = pieces[0].trim();
    if (!mediaRange) continue;
    const slash = mediaRange.indexOf("/");
    let type: string;
    let subtype: string;
    if (slash < 0) {
      // goautoneg treats a bare "*" as "*/*" and anything else as type with subtype "*".
      type = mediaRange;
      subtype = "*";
    } else {
      type = mediaRange.slice(0, slash).trim();
      subtype = mediaRange.slice(slash + 1).trim();
    }
    const clause: AcceptClause = { type: type.toLowerCase(), subtype: subtype.toLowerCase(), q: 1, params: {} };
    for (let i = 1; i < pieces.length; i++) {
      const eq = pieces[i].indexOf("=");
      if (eq < 0) continue;
      const key = pieces[i].slice(0, eq).trim();
      const value = pieces[i].slice(eq + 1).trim();
      if (key === "q") {
        const q = Number(value);
        clause.q = Number.isFinite(q) ? q : 0;
      } else clause.params[key] = value;
    }
    clauses.push(clause);
  }
  // Stable sort: q descending, then concrete types before wildcards.
  return clauses
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.q - a.c.q || specificity(b.c) - specificity(a.c) || a.i - b.i)
    .map((x) => x.c);
}

function specificity(c: AcceptClause): number {
  return (c.type === "*" ? 0 : 2) + (c.subtype === "*" ? 0 : 1);
}

export function matches(c: AcceptClause, type: string, subtype: string): boolean {
  return (c.type === type || c.type === "*") && (c.subtype === subtype || c.subtype === "*");
}

/** True when the clause asks for a conversion target (as=, g=, v=): only endpoints that support it may pick it. */
export function hasTarget(c: AcceptClause): boolean {
  return c.params.as !== undefined || c.params.g !== undefined || c.params.v !== undefined;
}
