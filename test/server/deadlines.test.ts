// Request deadlines share one timer: each item still expires at its own deadline, in order,
// a deleted one never does, and a nearer deadline added later is not held up by a farther one.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Deadlines } from "../../runtime/src/server/deadlines.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("items expire in deadline order, deleted ones never", async () => {
  const expired: string[] = [];
  const deadlines = new Deadlines<string>((item) => expired.push(item));
  deadlines.add("far", 300);
  deadlines.add("near", 30); // nearer than the armed timer: re-armed for it
  deadlines.add("done", 60);
  deadlines.add("middle", 150);
  deadlines.delete("done");
  await sleep(100);
  assert.deepEqual(expired, ["near"]);
  await sleep(350);
  assert.deepEqual(expired, ["near", "middle", "far"]);
});

test("an item added after the timer went idle still expires", async () => {
  const expired: number[] = [];
  const deadlines = new Deadlines<number>((item) => expired.push(item));
  deadlines.add(1, 10);
  await sleep(50);
  deadlines.add(2, 10);
  await sleep(50);
  assert.deepEqual(expired, [1, 2]);
});
