/**
 * Diagnostics: what the reader and the checks report about a definitions tree.
 * They are plain data (so tests compare them and the CLI prints them) and carry
 * the offending source line, so printing never needs the ts-morph project.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceLocation } from "./types.js";

export interface Diagnostic {
  /** Path relative to the project root. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Stable machine-readable code, e.g. `unknown-tag`. */
  code: string;
  message: string;
  /** The offending source line (empty when the file cannot be read). */
  snippet: string;
  /** What to write instead; may be empty. */
  hint: string;
}

/** `file:line:col: error: message`, the source line with a caret, then the hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const lines = [`${d.file}:${d.line}:${d.column}: error: ${d.message}`];
  if (d.snippet) {
    lines.push(d.snippet);
    // Keep tabs so the caret lines up under tab-indented source.
    const pad = d.snippet.slice(0, Math.max(0, d.column - 1)).replace(/[^\t]/g, " ");
    lines.push(`${pad}^`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Reads source lines from disk, once per file, to fill `snippet`. */
export class SourceLines {
  private readonly cache = new Map<string, string[]>();
  constructor(private readonly projectRoot: string) {}

  line(file: string, line: number): string {
    let lines = this.cache.get(file);
    if (!lines) {
      try {
        lines = readFileSync(join(this.projectRoot, file), "utf8").split(/\r?\n/);
      } catch {
        lines = [];
      }
      this.cache.set(file, lines);
    }
    return lines[line - 1] ?? "";
  }
}

/** Collects diagnostics; every problem is reported, never just the first. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();
  readonly sources: SourceLines;

  constructor(projectRoot: string, sources?: SourceLines) {
    this.sources = sources ?? new SourceLines(projectRoot);
  }

  report(at: SourceLocation, code: string, message: string, hint = ""): void {
    const key = `${at.file}:${at.line}:${at.column}:${code}:${message}`;
    if (this.seen.has(key)) return; // a shared type reached twice reports once
    this.seen.add(key);
    this.items.push({
      file: at.file,
      line: at.line,
      column: at.column,
      code,
      message,
      snippet: this.sources.line(at.file, at.line),
      hint,
    });
  }

  list(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }
}
