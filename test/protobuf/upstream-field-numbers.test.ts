/**
 * Our meta/v1 and runtime protobuf messages against upstream's generated.proto
 * (copies in test/fixtures/upstream, taken from kubernetes/apimachinery at the
 * commit their headers name). Two sides: every descriptor we hold for an
 * upstream message (the client's Status/ListMeta, the generator's ObjectMeta
 * family and number table, the generated packages) names upstream's field
 * numbers and types; and the bytes our hand-written encoders produce (the
 * runtime.Unknown envelope, WatchEvent, Time, MicroTime, Quantity,
 * IntOrString, FieldsV1/RawExtension) decode with upstream's messages to the
 * fields we meant. A new upstream copy that renumbers anything fails here.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { KindCodec, META_TYPES, type ProtoFieldDescriptor, type ProtoTypes } from "@skai-gen/client/protobuf";
import { OBJECT_META_MESSAGES } from "../../generator/src/emit/protobuf/object-meta.js";
import { META_V1 } from "../../generator/src/emit/protobuf/upstream-numbers.js";
import { repoRoot } from "../support/generated-server.js";
import { allKinds } from "./support.js";
import { decodeUpstream, parseProto, readProtoFiles, SCALARS, type UpstreamMessages } from "./upstream-proto.js";

const fixtures = path.join(repoRoot, "test/fixtures/upstream");
const upstream = readProtoFiles(readdirSync(fixtures).map((f) => path.join(fixtures, f)));

const META = "k8s.io.apimachinery.pkg.apis.meta.v1";
const RUNTIME = "k8s.io.apimachinery.pkg.runtime";
/** The proto message each of the codec's well-known kinds stands for (descriptor.ts). */
const WELL_KNOWN: Record<string, string[]> = {
  time: [`${META}.Time`],
  microtime: [`${META}.MicroTime`],
  quantity: ["k8s.io.apimachinery.pkg.api.resource.Quantity"],
  intstr: ["k8s.io.apimachinery.pkg.util.intstr.IntOrString"],
  json: [`${RUNTIME}.RawExtension`, `${META}.FieldsV1`],
};

/** Why a descriptor field disagrees with upstream's message, or undefined when it agrees. */
function mismatch(messages: UpstreamMessages, message: string, [no, name, type, ref]: ProtoFieldDescriptor): string | undefined {
  const theirs = messages.get(message)?.find((f) => f.name === name);
  if (!theirs) return `${message}.${name}: not in upstream's message`;
  if (theirs.number !== no) return `${message}.${name}: number ${no}, upstream ${theirs.number}`;
  const label = type.startsWith("[]") ? "repeated" : type.startsWith("{}") ? "map" : "optional";
  if (theirs.label !== label) return `${message}.${name}: ${label}, upstream ${theirs.label}`;
  const kind = label === "optional" ? type : type.slice(2);
  const accepted = kind === "msg" ? [ref!] : SCALARS.has(kind) ? [kind] : (WELL_KNOWN[kind] ?? []);
  if (!accepted.includes(theirs.type)) return `${message}.${name}: ${type} ${ref ?? ""}, upstream ${theirs.type}`.replace("  ", " ");
  return undefined;
}

/** Every field of every descriptor message in the upstream packages the fixtures cover. */
function mismatches(types: ProtoTypes): string[] {
  const covered = new Set([...upstream.keys()].map((n) => n.slice(0, n.lastIndexOf("."))));
  const out: string[] = [];
  for (const [message, fields] of Object.entries(types)) {
    if (!covered.has(message.slice(0, message.lastIndexOf(".")))) continue;
    if (!upstream.has(message)) out.push(`${message}: no such upstream message in the fixtures`);
    else for (const f of fields) out.push(mismatch(upstream, message, f) ?? "");
  }
  return out.filter(Boolean);
}

const asDescriptors = (messages: typeof OBJECT_META_MESSAGES): ProtoTypes =>
  Object.fromEntries(messages.map((m) => [m.name, m.fields.map((f): ProtoFieldDescriptor => (f.ref ? [f.number, f.name, f.type, f.ref] : [f.number, f.name, f.type]))]));

describe("meta/v1 descriptors against upstream generated.proto", () => {
  it("the fixtures hold the messages the codec writes", () => {
    for (const name of ["ListMeta", "Status", "StatusDetails", "StatusCause", "ObjectMeta", "OwnerReference", "ManagedFieldsEntry", "Condition", "LabelSelector", "WatchEvent", "Time", "MicroTime", "FieldsV1"]) {
      assert.ok(upstream.has(`${META}.${name}`), name);
    }
    for (const name of ["Unknown", "TypeMeta", "RawExtension"]) assert.ok(upstream.has(`${RUNTIME}.${name}`), name);
  });

  it("the client's Status and ListMeta messages (client/src/protobuf/meta.ts)", () => {
    assert.equal(Object.keys(META_TYPES).length, 4);
    assert.deepEqual(mismatches(META_TYPES), []);
  });

  it("the generator's ObjectMeta, OwnerReference and ManagedFieldsEntry (object-meta.ts)", () => {
    assert.deepEqual(mismatches(asDescriptors(OBJECT_META_MESSAGES)), []);
  });

  it("the generator's meta/v1 number table (upstream-numbers.ts)", () => {
    const wrong: string[] = [];
    for (const [message, numbers] of Object.entries(META_V1)) {
      for (const [name, no] of Object.entries(numbers)) {
        const theirs = upstream.get(`${META}.${message}`)?.find((f) => f.name === name);
        if (theirs?.number !== no) wrong.push(`${message}.${name}: ${no}, upstream ${theirs?.number ?? "none"}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("the generated packages' meta/v1 messages (Condition, LabelSelector, ObjectMeta, ...)", async () => {
    const kinds = await allKinds();
    assert.ok(kinds.length > 0);
    for (const { apiVersion, kind, pb } of kinds) {
      assert.ok(pb.types[`${META}.Condition`], `${apiVersion} reaches metav1.Condition`);
      assert.deepEqual(mismatches(pb.types), [], `${apiVersion} ${kind}`);
    }
  });

  it("a wrong number, type or label is caught", () => {
    const statusCause = `${META}.StatusCause`;
    assert.match(mismatch(upstream, statusCause, [4, "field", "string"]) ?? "", /number 4, upstream 3/);
    assert.match(mismatch(upstream, `${META}.ObjectMeta`, [7, "generation", "int32"]) ?? "", /upstream int64/);
    assert.match(mismatch(upstream, `${META}.ObjectMeta`, [14, "finalizers", "string"]) ?? "", /optional, upstream repeated/);
    assert.match(mismatch(upstream, `${META}.ManagedFieldsEntry`, [4, "time", "microtime"]) ?? "", /upstream .*\.Time$/);
  });
});

// A kind of our own around the upstream messages, so one object exercises every
// hand-written encoder; its proto text is ours, the messages it uses are upstream's.
const GADGET_PROTO = `
package test.gadgets.v1;
message Gadget {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  optional GadgetSpec spec = 2;
}
message GadgetSpec {
  optional .k8s.io.apimachinery.pkg.api.resource.Quantity size = 1;
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString port = 2;
  optional .k8s.io.apimachinery.pkg.util.intstr.IntOrString portName = 3;
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime renewTime = 4;
  optional .k8s.io.apimachinery.pkg.runtime.RawExtension config = 5;
  repeated .k8s.io.apimachinery.pkg.apis.meta.v1.Condition conditions = 6;
}
`;
const GADGET_TYPES: ProtoTypes = {
  ...asDescriptors(OBJECT_META_MESSAGES),
  [`${META}.Condition`]: [
    [1, "type", "string"],
    [2, "status", "string"],
    [3, "observedGeneration", "int64"],
    [4, "lastTransitionTime", "time"],
    [5, "reason", "string"],
    [6, "message", "string"],
  ],
  "test.gadgets.v1.Gadget": [
    [1, "metadata", "msg", `${META}.ObjectMeta`],
    [2, "spec", "msg", "test.gadgets.v1.GadgetSpec"],
  ],
  "test.gadgets.v1.GadgetSpec": [
    [1, "size", "quantity"],
    [2, "port", "intstr"],
    [3, "portName", "intstr"],
    [4, "renewTime", "microtime"],
    [5, "config", "json"],
    [6, "conditions", "[]msg", `${META}.Condition`],
  ],
};
const withGadget = parseProto(GADGET_PROTO, new Map(upstream));
const codec = new KindCodec(
  { kind: "test.gadgets.v1.Gadget", list: "test.gadgets.v1.GadgetList", types: { ...GADGET_TYPES, "test.gadgets.v1.GadgetList": [] } },
  { apiVersion: "gadgets.test/v1", kind: "Gadget", listKind: "GadgetList" },
);
const MAGIC = Buffer.from("k8s\0", "latin1");

/** The k8s\0 + runtime.Unknown envelope, decoded with upstream's message; raw left as bytes. */
function unwrap(body: Buffer): Record<string, unknown> & { raw: Buffer } {
  assert.deepEqual(body.subarray(0, 4), MAGIC);
  return decodeUpstream(upstream, `${RUNTIME}.Unknown`, body.subarray(4)) as Record<string, unknown> & { raw: Buffer };
}

// 2024-05-06T07:08:09Z
const SECONDS = 1714979289;
const gadget = {
  apiVersion: "gadgets.test/v1",
  kind: "Gadget",
  metadata: {
    name: "g-1",
    generateName: "g-",
    namespace: "ns",
    selfLink: "/apis/gadgets.test/v1/namespaces/ns/gadgets/g-1",
    uid: "u-1",
    resourceVersion: "42",
    generation: 3,
    creationTimestamp: "2024-05-06T07:08:09Z",
    deletionTimestamp: "2024-05-06T07:08:10Z",
    deletionGracePeriodSeconds: 30,
    labels: { app: "a" },
    annotations: { note: "n" },
    ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "p", uid: "u-2", controller: true, blockOwnerDeletion: false }],
    finalizers: ["gadgets.test/cleanup"],
    managedFields: [{ manager: "kubectl", operation: "Apply", apiVersion: "gadgets.test/v1", time: "2024-05-06T07:08:09Z", fieldsType: "FieldsV1", fieldsV1: { "f:spec": {} }, subresource: "status" }],
  },
  spec: {
    size: "1Gi",
    port: 8080,
    portName: "http",
    renewTime: "2024-05-06T07:08:09.123456Z",
    config: { a: [1] },
    conditions: [{ type: "Ready", status: "True", observedGeneration: 3, lastTransitionTime: "2024-05-06T07:08:09Z", reason: "Done", message: "ok" }],
  },
};

describe("our encoders' bytes read with upstream's messages", () => {
  it("an object: the Unknown envelope, ObjectMeta, Time, MicroTime, Quantity, IntOrString, RawExtension, FieldsV1, Condition", () => {
    const env = unwrap(codec.encodeObject(gadget));
    assert.deepEqual(env.typeMeta, { apiVersion: "gadgets.test/v1", kind: "Gadget" });
    // Go writes the empty contentEncoding and contentType
    assert.equal(env.contentEncoding, "");
    assert.equal(env.contentType, "");
    const obj = decodeUpstream(withGadget, "test.gadgets.v1.Gadget", env.raw);
    const time = (seconds: number) => ({ seconds, nanos: 0 });
    assert.deepEqual(obj.metadata, {
      ...gadget.metadata,
      creationTimestamp: time(SECONDS),
      deletionTimestamp: time(SECONDS + 1),
      managedFields: [{ ...gadget.metadata.managedFields[0], time: time(SECONDS), fieldsV1: { Raw: Buffer.from('{"f:spec":{}}') } }],
    });
    assert.deepEqual(obj.spec, {
      size: { string: "1Gi" },
      port: { type: 0, intVal: 8080 },
      portName: { type: 1, strVal: "http" },
      renewTime: { seconds: SECONDS, nanos: 123456000 },
      config: { raw: Buffer.from('{"a":[1]}') },
      conditions: [{ ...gadget.spec.conditions[0], lastTransitionTime: time(SECONDS) }],
    });
  });

  it("a Status: ListMeta, StatusDetails, StatusCause", () => {
    const status = {
      metadata: { selfLink: "/x", resourceVersion: "7", continue: "c", remainingItemCount: 2 },
      status: "Failure",
      message: "gadgets.test \"g\" is invalid",
      reason: "Invalid",
      details: { name: "g", group: "gadgets.test", kind: "gadgets", uid: "u-1", causes: [{ reason: "FieldValueInvalid", message: "bad", field: "spec.size" }], retryAfterSeconds: 5 },
      code: 422,
    };
    const env = unwrap(codec.encodeStatus({ kind: "Status", apiVersion: "v1", ...status }));
    assert.deepEqual(env.typeMeta, { apiVersion: "v1", kind: "Status" });
    assert.deepEqual(decodeUpstream(upstream, `${META}.Status`, env.raw), status);
  });

  it("a watch frame: length prefix, WatchEvent, RawExtension holding the envelope", () => {
    const frame = codec.encodeWatchEvent("MODIFIED", gadget);
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
    const event = decodeUpstream(upstream, `${META}.WatchEvent`, frame.subarray(4)) as { type: string; object: { raw: Buffer } };
    assert.equal(event.type, "MODIFIED");
    const env = unwrap(event.object.raw);
    assert.deepEqual(env.typeMeta, { apiVersion: "gadgets.test/v1", kind: "Gadget" });
    assert.equal((decodeUpstream(withGadget, "test.gadgets.v1.Gadget", env.raw).metadata as { name: string }).name, "g-1");
  });

  it("a list: ListMeta and items in the list message's fields 1 and 2", () => {
    const listProto = parseProto(
      "package test.gadgets.v1;\nmessage GadgetList {\n  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta metadata = 1;\n  repeated Gadget items = 2;\n}\n",
      new Map(withGadget),
    );
    const env = unwrap(codec.encodeList({ metadata: { resourceVersion: "9" }, items: [gadget, gadget] }));
    assert.deepEqual(env.typeMeta, { apiVersion: "gadgets.test/v1", kind: "GadgetList" });
    const list = decodeUpstream(listProto, "test.gadgets.v1.GadgetList", env.raw) as { metadata: unknown; items: Array<{ metadata: { name: string } }> };
    assert.deepEqual(list.metadata, { resourceVersion: "9" });
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ["g-1", "g-1"],
    );
  });
});
