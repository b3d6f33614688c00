import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { call, ns, startHarness, widget, type Harness } from "./harness.js";

// Over LARGE_BODY_BYTES (runtime/src/endpoints/body.ts): read into place, handled in several event-loop turns.
// Multi-byte characters, so chunk boundaries fall inside them.
const big = (c: string) => c.repeat(400_000);

describe("large request bodies", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it("create, update and get keep every byte of a body with a Content-Length", async () => {
    const created = await call(h, "POST", ns(), widget("big", { replicas: 1, extra: big("é") }));
    assert.equal(created.status, 201, created.text.slice(0, 300));
    assert.equal(created.body.spec.extra, big("é"));
    const updated = await call(h, "PUT", `${ns()}/big`, { ...created.body, spec: { replicas: 2, extra: big("ü") } });
    assert.equal(updated.status, 200, updated.text.slice(0, 300));
    assert.equal(updated.body.spec.extra, big("ü"));
    const got = await call(h, "GET", `${ns()}/big`);
    assert.deepEqual(got.body, updated.body);
  });

  it("a chunked body (no Content-Length) is read whole as well", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(widget("chunked", { replicas: 1, extra: big("ß") })));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 65_537) controller.enqueue(bytes.subarray(at, at + 65_537));
        controller.close();
      },
    });
    const res = await fetch(h.url + ns(), { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    const text = await res.text();
    assert.equal(res.status, 201, text.slice(0, 300));
    assert.equal(JSON.parse(text).spec.extra, big("ß"));
  });
});
