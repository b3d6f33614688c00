/**
 * A small JSDoc reader. We parse the comment text ourselves instead of using
 * TypeScript's JSDoc tags because TypeScript gives special meaning to `{...}`
 * and to some tag names, and we need the exact position of every tag for
 * diagnostics. A tag starts at `@name` at the start of a line or after
 * whitespace, and runs until the next tag.
 */
import { Node, ts, type SourceFile } from "ts-morph";
import type { SourceLocation } from "../model/types.js";
import { locationAt } from "./location.js";

export interface DocTag {
  name: string;
  /** Text after the tag name, continuation lines joined with a space, trimmed. */
  value: string;
  /** Where the `@` is. */
  source: SourceLocation;
  /** Where the value starts (column offsets inside the value are relative to this). */
  valueSource: SourceLocation;
}

export interface DocComment {
  description: string;
  tags: DocTag[];
  source?: SourceLocation;
}

const EMPTY: DocComment = { description: "", tags: [] };

/** The closest JSDoc comment of a declaration. */
export function readNodeDoc(projectRoot: string, node: Node, parseTags = true): DocComment {
  const docs = Node.isJSDocable(node) ? node.getJsDocs() : [];
  const doc = docs[docs.length - 1];
  if (!doc) return EMPTY;
  return parseDocComment(projectRoot, node.getSourceFile(), doc.getStart(), doc.getEnd(), parseTags);
}

/** The first `/** ... *\/` comment at the top of a file (version tags live there). */
export function readFileHeaderDoc(projectRoot: string, sf: SourceFile): DocComment {
  const text = sf.getFullText();
  const ranges = ts.getLeadingCommentRanges(text, 0) ?? [];
  const r = ranges.find((c) => text.startsWith("/**", c.pos));
  if (!r) return EMPTY;
  return parseDocComment(projectRoot, sf, r.pos, r.end, true);
}

interface Piece {
  text: string;
  /** File position of `text[0]`. */
  pos: number;
  /** Whether this piece starts a physical comment line. */
  lineStart: boolean;
}

function parseDocComment(
  projectRoot: string,
  sf: SourceFile,
  start: number,
  end: number,
  parseTags: boolean,
): DocComment {
  const full = sf.getFullText();
  const bodyStart = start + 3; // after `/**`
  const bodyEnd = full.startsWith("*/", end - 2) ? end - 2 : end;
  const pieces = splitLines(full, bodyStart, bodyEnd);

  const descLines: string[] = [];
  const tags: { name: string; lines: string[]; at: number; valueAt: number }[] = [];
  for (const piece of pieces) {
    let rest = piece.text;
    let restPos = piece.pos;
    while (true) {
      const m = parseTags ? /(^|\s)@([A-Za-z][A-Za-z0-9]*)/.exec(rest) : null;
      const before = m ? rest.slice(0, m.index + m[1].length) : rest;
      const current = tags[tags.length - 1];
      if (current) current.lines.push(before);
      else descLines.push(before);
      if (!m) break;
      const at = restPos + m.index + m[1].length;
      let after = m.index + m[0].length;
      while (after < rest.length && (rest[after] === " " || rest[after] === "\t")) after++;
      tags.push({ name: m[2], lines: [], at, valueAt: restPos + after });
      rest = rest.slice(after);
      restPos += after;
    }
  }

  return {
    description: tidyDescription(descLines),
    source: locationAt(projectRoot, sf, start),
    tags: tags.map((t) => ({
      name: t.name,
      value: t.lines.map((l) => l.trim()).filter((l) => l !== "").join(" "),
      source: locationAt(projectRoot, sf, t.at),
      valueSource: locationAt(projectRoot, sf, t.valueAt),
    })),
  };
}

/** Comment lines with the leading `*` decoration removed, keeping file positions. */
function splitLines(full: string, from: number, to: number): Piece[] {
  const pieces: Piece[] = [];
  let pos = from;
  while (pos <= to) {
    let eol = full.indexOf("\n", pos);
    if (eol < 0 || eol > to) eol = to;
    let s = pos;
    if (pieces.length > 0) {
      while (s < eol && (full[s] === " " || full[s] === "\t")) s++;
      if (full[s] === "*") s++;
    }
    if (full[s] === " ") s++;
    pieces.push({ text: full.slice(s, eol).replace(/\r$/, ""), pos: s, lineStart: true });
    pos = eol + 1;
  }
  return pieces;
}

/** Trim blank lines at both ends and trailing spaces; keep the author's line breaks. */
function tidyDescription(lines: string[]): string {
  const out = lines.map((l) => l.replace(/\s+$/, ""));
  while (out.length && out[0].trim() === "") out.shift();
  while (out.length && out[out.length - 1].trim() === "") out.pop();
  return out.map((l) => l.trim()).join("\n");
}
