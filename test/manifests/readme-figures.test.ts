// The figures the installation guides give operators (the generated manifests' README, and the
// repository's README) are the server's own defaults: the watch cache's window, the events a
// watcher may fall behind before it is ended, and the compaction interval and retention.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CACHER_DEFAULTS } from "../../runtime/src/storage/cacher/cacher.js";
import { DEFAULT_COMPACTION } from "../../runtime/src/storage/kv-store.js";
import { readDoc } from "../docs/markdown.js";

/** The page with its line breaks as spaces, so a phrase matches across lines. */
const read = (file: string) => readDoc(file).replace(/\s+/g, " ");
const number = (text: string) => Number(text.replaceAll(",", ""));

/** The one number `pattern`'s first group finds in `text`. */
function figure(text: string, pattern: RegExp): number {
  const found = [...text.matchAll(new RegExp(pattern, "g"))];
  assert.equal(found.length, 1, `${pattern} should match once`);
  return number(found[0]![1]!);
}

test("the manifests' README states the watch cache's defaults and the compaction's", () => {
  const guide = read("generated/manifests/README.md");
  assert.equal(figure(guide, /its last ([\d,]+) events/), CACHER_DEFAULTS.windowSize);
  assert.equal(figure(guide, /ends the watch when it falls ([\d,]+) events behind/), CACHER_DEFAULTS.watchBufferSize);
  assert.equal(figure(guide, /\(every (\d+) minutes, keeping/), DEFAULT_COMPACTION.compactionIntervalMs / 60_000);
  assert.equal(figure(guide, /keeping the last ([\d,]+) revisions/), DEFAULT_COMPACTION.retainRevisions);
});

test("the README states the compaction's defaults", () => {
  const readme = read("README.md");
  assert.equal(figure(readme, /compacts every (\d+) minutes/), DEFAULT_COMPACTION.compactionIntervalMs / 60_000);
  assert.equal(figure(readme, /keeping the last ([\d,]+) revisions/), DEFAULT_COMPACTION.retainRevisions);
});
