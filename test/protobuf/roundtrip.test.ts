/**
 * Objects, lists and watch events of every SKAI kind round-trip through
 * protobuf and JSON to identical objects: the examples, and seeded random
 * objects that use every field of every message. An independent decoder
 * (@bufbuild/protobuf's BinaryReader) checks the envelope and field numbers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { FrameSplitter } from "@skai-gen/client/protobuf";
import { randomMessage, rng } from "./random.js";
import { allKinds, examples, quantitiesAsStrings } from "./support.js";

const kinds = await allKinds();
const viaJSON = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe("protobuf round trip", () => {
  it("covers every SKAI kind", () => {
    const names = new Set(kinds.map((k) => k.kind));
    for (const k of ["Notebook", "TrainingJob", "Dataset", "Model", "InferenceService", "Queue"]) assert.ok(names.has(k), `${k} has protobuf descriptors`);
  });

  for (const k of kinds) {
    describe(`${k.apiVersion} ${k.kind}`, () => {
      it("examples: object -> protobuf -> object", () => {
        for (const ex of examples(k.apiVersion).filter((e) => e.kind === k.kind)) {
          const obj = viaJSON({ ...ex, metadata: { ...(ex.metadata as object), creationTimestamp: "2024-05-06T07:08:09Z", uid: "u-1", resourceVersion: "42" } });
          const back = viaJSON(k.codec.decode(k.codec.encodeObject(obj)));
          assert.deepEqual(back, quantitiesAsStrings(obj, k.pb.types, k.pb.kind));
        }
      });

      it("random objects, lists and watch events", () => {
        const rand = rng(k.kind.length * 7919 + k.apiVersion.length);
        const items = Array.from({ length: 25 }, () => {
          const o = randomMessage(k.pb.types, k.pb.kind, rand);
          return viaJSON({ apiVersion: k.apiVersion, kind: k.kind, ...o, metadata: { name: "n", ...(o.metadata as object) } });
        });
        for (const obj of items) assert.deepEqual(viaJSON(k.codec.decode(k.codec.encodeObject(obj))), obj);

        const list = { apiVersion: k.apiVersion, kind: `${k.kind}List`, metadata: { resourceVersion: "77", continue: "tok", remainingItemCount: 3 }, items };
        assert.deepEqual(viaJSON(k.codec.decode(k.codec.encodeList(list))), list);
        const empty = { apiVersion: k.apiVersion, kind: `${k.kind}List`, metadata: { resourceVersion: "1" }, items: [] };
        assert.deepEqual(viaJSON(k.codec.decode(k.codec.encodeList(empty))), empty);

        // a watch stream split at arbitrary points decodes to the same events
        const events = items.slice(0, 10).map((o, i) => ({ type: ["ADDED", "MODIFIED", "DELETED"][i % 3], object: o }));
        const stream = Buffer.concat(events.map((e) => k.codec.encodeWatchEvent(e.type, e.object)));
        const splitter = new FrameSplitter();
        const got: unknown[] = [];
        for (let pos = 0; pos < stream.length; ) {
          const n = 1 + Math.floor(rand() * 700);
          for (const frame of splitter.push(stream.subarray(pos, pos + n))) got.push(viaJSON(k.codec.decodeWatchEvent(frame)));
          pos += n;
        }
        assert.deepEqual(got, events);
      });
    });
  }

  it("Status and ERROR events", () => {
    const { codec } = kinds[0];
    const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "gone", reason: "Expired", code: 410, details: { causes: [{ reason: "FieldValueInvalid", message: "bad", field: "spec.x" }] } };
    assert.deepEqual(viaJSON(codec.decode(codec.encodeStatus(status))), status);
    const ev = codec.decodeWatchEvent(codec.encodeWatchEvent("ERROR", status).subarray(4));
    assert.deepEqual(viaJSON(ev), { type: "ERROR", object: status });
  });

  it("is Kubernetes' wire format: k8s\\0, runtime.Unknown{typeMeta, raw}, ObjectMeta at field 1", () => {
    const k = kinds.find((x) => x.kind === "Notebook")!;
    const buf = k.codec.encodeObject({ apiVersion: k.apiVersion, kind: "Notebook", metadata: { name: "nb1", namespace: "team", labels: { a: "b" } }, spec: {} });
    assert.deepEqual([...buf.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
    const unknown = new BinaryReader(buf.subarray(4));
    const seen: Record<number, Uint8Array | string> = {};
    while (unknown.pos < unknown.len) {
      const [no] = unknown.tag();
      seen[no] = no === 3 || no === 4 ? unknown.string() : unknown.bytes();
    }
    const tm = new BinaryReader(seen[1] as Uint8Array);
    assert.deepEqual(tm.tag(), [1, 2]);
    assert.equal(tm.string(), k.apiVersion);
    assert.deepEqual(tm.tag(), [2, 2]);
    assert.equal(tm.string(), "Notebook");
    const raw = new BinaryReader(seen[2] as Uint8Array);
    assert.deepEqual(raw.tag(), [1, 2]);
    const meta = new BinaryReader(raw.bytes());
    const metaFields: Record<number, unknown> = {};
    while (meta.pos < meta.len) {
      const [no] = meta.tag();
      metaFields[no] = no === 11 ? [...(() => { const e = new BinaryReader(meta.bytes()); e.tag(); const key = e.string(); e.tag(); return [key, e.string()]; })()] : meta.string();
    }
    assert.deepEqual(metaFields, { 1: "nb1", 3: "team", 11: ["a", "b"] });
    assert.equal(seen[3], "");
    assert.equal(seen[4], "");
  });

  it("writes negative int32 as ten bytes and reads packed repeated scalars", () => {
    const k = kinds.find((x) => x.kind === "TrainingJob")!;
    const obj = { apiVersion: k.apiVersion, kind: "TrainingJob", metadata: { name: "t", generation: -5 } };
    assert.deepEqual(viaJSON(k.codec.decode(k.codec.encodeObject(obj))), obj);
  });
});
