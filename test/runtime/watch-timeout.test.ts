/**
 * timeoutSeconds on a watch as k8s.io/apiserver pkg/endpoints/handlers/get.go handleWatch
 * reads it: absent or 0 takes --min-request-timeout times [1, 2) (here 30-60 minutes); a
 * negative value is a deadline already past (context.WithTimeout, time.NewTimer), so the
 * watch answers 200 and ends at once, instead of staying open for the default. The value is
 * an int64 (strconv.ParseInt) and becomes time.Duration nanoseconds, wrapping as Go does.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, ns, startHarness, WatchStream, widget, type Harness } from "./harness.js";

describe("watch timeoutSeconds", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ minRequestTimeoutSeconds: 1800 });
    assert.equal((await call(h, "POST", ns(), widget("existing"))).status, 201);
  });
  after(() => h.close());

  // 9223372037 s is past int64 nanoseconds: time.Duration wraps it to a negative deadline too
  for (const timeout of ["-5", "-1", "9223372037"]) {
    it(`timeoutSeconds=${timeout}: 200, and the stream ends without events`, async () => {
      const w = await WatchStream.open(h, `${ns()}?watch=true&timeoutSeconds=${timeout}`);
      try {
        assert.equal(w.status, 200);
        // null: the stream ended (a watch left open would time this read out instead)
        assert.equal(await w.next(), null);
      } finally {
        w.close();
      }
    });
  }

  it("timeoutSeconds=0 takes the server's default: the watch stays open and delivers events", async () => {
    const w = await WatchStream.open(h, `${ns()}?watch=true&timeoutSeconds=0&resourceVersion=0`);
    try {
      assert.equal(w.status, 200);
      assert.equal((await w.next()).object.metadata.name, "existing");
      assert.equal((await call(h, "POST", ns(), widget("later"))).status, 201);
      const ev = await w.next();
      assert.equal(ev.type, "ADDED");
      assert.equal(ev.object.metadata.name, "later");
      assert.equal(w.ended, false);
    } finally {
      w.close();
    }
  });

  it("timeoutSeconds beyond int64: 400 with strconv's words", async () => {
    const r = await call(h, "GET", `${ns()}?watch=true&timeoutSeconds=99999999999999999999`);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.message, 'strconv.ParseInt: parsing "99999999999999999999": value out of range');
  });

  it("a positive timeoutSeconds ends the watch when it expires", async () => {
    const w = await WatchStream.open(h, `${ns()}?watch=true&timeoutSeconds=1`);
    try {
      assert.equal(w.status, 200);
      // the initial ADDED events of the existing objects, then the end of the stream
      const names: string[] = [];
      for (let ev = await w.next(30_000); ev; ev = await w.next(30_000)) names.push(ev.object.metadata.name);
      assert.deepEqual(names.sort(), ["existing", "later"]);
      assert.equal(w.ended, true);
    } finally {
      w.close();
    }
  });
});
