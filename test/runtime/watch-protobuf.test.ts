/**
 * Protobuf watchers share each event's frame, as JSON watchers share its line: kube's
 * cacher encodes an event once per encoding for all its watchers (cacher.go
 * cachingObject), so the encoding is one per event, not one per watcher.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { FrameSplitter, KindCodec, PROTOBUF_WATCH_MEDIA_TYPE } from "@skai-gen/client/protobuf";
import { NotebookResource } from "../../generated/src/skai.io/v1alpha1/resources.js";
import { notebook } from "../support/admin-http.js";
import { call, startHarness, type Harness } from "./harness.js";

const NS = "pb";
const COLLECTION = `/apis/skai.io/v1alpha1/namespaces/${NS}/notebooks`;

/** A protobuf watch: its frames decoded as they arrive. */
function protobufWatch(h: Harness, codec: KindCodec, rv: string): Promise<{ events: { type: string; name: string }[]; arrived: Promise<void>; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.url}${COLLECTION}?watch=true&resourceVersion=${rv}`, { headers: { Accept: PROTOBUF_WATCH_MEDIA_TYPE } }, (res) => {
      assert.equal(res.statusCode, 200);
      const events: { type: string; name: string }[] = [];
      const splitter = new FrameSplitter();
      let first: () => void;
      const arrived = new Promise<void>((r) => (first = r));
      res.on("data", (chunk: Buffer) => {
        for (const frame of splitter.push(chunk)) {
          const ev = codec.decodeWatchEvent(frame);
          events.push({ type: ev.type, name: (ev.object.metadata as { name: string }).name });
        }
        if (events.length) first();
      });
      resolve({ events, arrived, close: () => req.destroy() });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("protobuf watch", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({}, [NotebookResource], {}, { watchCache: true });
  });
  after(() => h.close());

  it("encodes each event once for all its watchers", async () => {
    const codec = new KindCodec(NotebookResource.protobuf!, { apiVersion: "skai.io/v1alpha1", kind: "Notebook", listKind: "NotebookList" });
    const created = await call(h, "POST", COLLECTION, notebook("first", NS));
    assert.equal(created.status, 201);
    const watches = await Promise.all(Array.from({ length: 20 }, () => protobufWatch(h, codec, created.body.metadata.resourceVersion)));
    const encode = KindCodec.prototype.encodeWatchEvent;
    let encodings = 0;
    KindCodec.prototype.encodeWatchEvent = function (...args) {
      encodings++;
      return encode.apply(this, args);
    };
    try {
      assert.equal((await call(h, "POST", COLLECTION, notebook("shared", NS))).status, 201);
      await Promise.all(watches.map((w) => w.arrived));
    } finally {
      KindCodec.prototype.encodeWatchEvent = encode;
    }
    for (const w of watches) {
      assert.deepEqual(w.events, [{ type: "ADDED", name: "shared" }]);
      w.close();
    }
    assert.equal(encodings, 1);
  });
});
