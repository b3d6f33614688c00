import * as prettier from "prettier";
import type { EmittedFile } from "./file.js";
import { withPreamble } from "./preamble.js";

const PARSERS: Record<EmittedFile["language"], string | undefined> = {
  typescript: "typescript",
  javascript: "babel",
  json: "json",
  yaml: "yaml",
  markdown: "markdown",
  proto: undefined,
  raw: undefined,
};

/** Formatted output by language and raw content: watch mode re-formats only what changed. */
const formatted = new Map<string, string>();

/** Heads a file as generated and formats it with prettier, so output never depends on an emitter's whitespace. */
export async function finishFile(file: EmittedFile): Promise<EmittedFile> {
  const parser = PARSERS[file.language];
  const key = `${file.language}\0${file.content}`;
  let content = formatted.get(key);
  if (content === undefined) {
    content = withPreamble(file.language, file.content);
    if (parser && !file.preformatted) content = await prettier.format(content, { parser, printWidth: 100, proseWrap: "preserve" });
    formatted.set(key, content);
  }
  return { ...file, content };
}
