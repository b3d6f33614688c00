/**
 * docs/extensions.md shows SKAI's main and server as they are: each code
 * block marked `<!-- verbatim: <file> -->` is that file's text, so the example the
 * page teaches is the one the build compiles and the suites run.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/generated-server.js";

const page = readFileSync(path.join(repoRoot, "docs/extensions.md"), "utf8");

/** The ```ts blocks marked `<!-- verbatim: <file> -->`, by file. */
function verbatimBlocks(): Map<string, string> {
  return new Map([...page.matchAll(/<!-- verbatim: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]));
}

test("the page's main and server are apiserver/src/main.ts and server.ts, verbatim", () => {
  const blocks = verbatimBlocks();
  assert.deepEqual([...blocks.keys()].sort(), ["apiserver/src/main.ts", "apiserver/src/server.ts"]);
  for (const [file, block] of blocks) assert.equal(block, readFileSync(path.join(repoRoot, file), "utf8"), `${file} differs from its block in docs/extensions.md`);
});
