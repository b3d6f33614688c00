/**
 * The decoder's fast paths on bytes our encoder never writes but other writers
 * may: a repeated field whose entries are not consecutive (the protobuf spec
 * lets a parser see them anywhere; Go's own decoder appends them), map entries
 * without a value, many distinct short strings and times through the caches
 * that share equal values, and non-ASCII strings next to ASCII ones.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { KindCodec, type ProtoTypes } from "@skai-gen/client/protobuf";

const PKG = "test.decoder.v1";
const TYPES: ProtoTypes = {
  [`${PKG}.Thing`]: [
    [1, "names", "[]string"],
    [2, "note", "string"],
    [3, "labels", "{}string"],
    [4, "sizes", "{}int64"],
    [5, "stamps", "[]time"],
    [6, "parts", "[]msg", `${PKG}.Part`],
  ],
  [`${PKG}.Part`]: [[1, "id", "string"]],
  [`${PKG}.ThingList`]: [],
};
const codec = new KindCodec({ kind: `${PKG}.Thing`, list: `${PKG}.ThingList`, types: TYPES }, { apiVersion: "decoder.test/v1", kind: "Thing", listKind: "ThingList" });

/** An enveloped Thing whose message body `body` writes. */
function thing(body: (w: BinaryWriter) => void): Buffer {
  const w = new BinaryWriter();
  body(w);
  const raw = w.finish();
  const env = new BinaryWriter();
  env.tag(1, 2).fork().tag(1, 2).string("decoder.test/v1").tag(2, 2).string("Thing").join();
  env.tag(2, 2).bytes(raw);
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), env.finish()]);
}

const part = (id: string) => new BinaryWriter().tag(1, 2).string(id).finish();
const time = (seconds: number) => new BinaryWriter().tag(1, 0).int64(seconds).tag(2, 0).int32(0).finish();

describe("protobuf decoder", () => {
  it("joins a repeated field's entries when other fields come between them", () => {
    const obj = codec.decode(
      thing((w) => {
        w.tag(1, 2).string("a").tag(1, 2).string("b");
        w.tag(6, 2).bytes(part("p1"));
        w.tag(2, 2).string("between");
        w.tag(1, 2).string("c");
        w.tag(6, 2).bytes(part("p2")).tag(6, 2).bytes(part("p3"));
      }),
    );
    assert.deepEqual(obj, { apiVersion: "decoder.test/v1", kind: "Thing", names: ["a", "b", "c"], parts: [{ id: "p1" }, { id: "p2" }, { id: "p3" }], note: "between" });
  });

  it("reads a map entry without a value as the value type's zero value, as Go does", () => {
    const obj = codec.decode(
      thing((w) => {
        w.tag(3, 2).fork().tag(1, 2).string("empty").join();
        w.tag(4, 2).fork().tag(1, 2).string("zero").join();
        w.tag(4, 2).fork().tag(1, 2).string("five").tag(2, 0).int64(5).join();
      }),
    );
    assert.deepEqual(obj.labels, { empty: "" });
    assert.deepEqual(obj.sizes, { zero: 0, five: 5 });
  });

  it("keeps every distinct string and time apart through the caches that share equal ones", () => {
    // more distinct values than the caches have slots, so slots are reused and collide
    const names = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? `näme-${i}` : `name-${i}`));
    const base = Date.parse("2024-01-01T00:00:00Z") / 1000;
    const seconds = Array.from({ length: 3000 }, (_, i) => base + i * 1024 + (i % 7));
    const bytes = thing((w) => {
      for (const n of names) w.tag(1, 2).string(n);
      for (const s of seconds) w.tag(5, 2).bytes(time(s));
    });
    for (let round = 0; round < 2; round++) {
      const obj = codec.decode(bytes);
      assert.deepEqual(obj.names, names);
      assert.deepEqual(
        obj.stamps,
        seconds.map((s) => new Date(s * 1000).toISOString().replace(".000Z", "Z")),
      );
    }
  });
});
