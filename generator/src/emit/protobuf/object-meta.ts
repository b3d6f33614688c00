/**
 * ObjectMeta and the messages under it. Every kind's `metadata` field is an
 * ObjectMeta, but the model holds that type only when the definitions reach it
 * through kubernetes-types (a PodTemplateSpec, say), so the descriptors carry
 * these messages whatever the model reaches. Their shape is kubernetes-types'
 * (what the reader makes of meta/v1), with Kubernetes' field numbers; a test
 * keeps the two equal (test/protobuf/object-meta.test.ts).
 */
import type { ProtoField, ProtoMessage } from "./message-types.js";
import { META_V1 } from "./upstream-numbers.js";

const META_PKG = "k8s.io.apimachinery.pkg.apis.meta.v1";
const TIME = `${META_PKG}.Time`;
const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

type Shape = [name: string, type: string, proto: string, ref?: string];

const msg = (name: string): string => `${META_PKG}.${name}`;

const SHAPES: Record<string, Shape[]> = {
  ObjectMeta: [
    ["name", "string", "string"],
    ["generateName", "string", "string"],
    ["namespace", "string", "string"],
    ["selfLink", "string", "string"],
    ["uid", "string", "string"],
    ["resourceVersion", "string", "string"],
    ["generation", "int64", "int64"],
    ["creationTimestamp", "time", TIME],
    ["deletionTimestamp", "time", TIME],
    ["deletionGracePeriodSeconds", "int64", "int64"],
    ["labels", "{}string", "map<string, string>"],
    ["annotations", "{}string", "map<string, string>"],
    ["ownerReferences", "[]msg", `repeated ${msg("OwnerReference")}`, msg("OwnerReference")],
    ["finalizers", "[]string", "repeated string"],
    ["managedFields", "[]msg", `repeated ${msg("ManagedFieldsEntry")}`, msg("ManagedFieldsEntry")],
  ],
  OwnerReference: [
    ["kind", "string", "string"],
    ["name", "string", "string"],
    ["uid", "string", "string"],
    ["apiVersion", "string", "string"],
    ["controller", "bool", "bool"],
    ["blockOwnerDeletion", "bool", "bool"],
  ],
  ManagedFieldsEntry: [
    ["manager", "string", "string"],
    ["operation", "string", "string"],
    ["apiVersion", "string", "string"],
    ["time", "time", TIME],
    ["fieldsType", "string", "string"],
    // FieldsV1 is raw JSON on the wire, as RawExtension.
    ["fieldsV1", "json", RAW_EXTENSION],
    ["subresource", "string", "string"],
  ],
};

function message(short: string): ProtoMessage {
  const numbers = META_V1[short]!;
  const fields: ProtoField[] = SHAPES[short]!.map(([name, type, proto, ref]) => ({
    number: numbers[name]!,
    name,
    type,
    ...(ref ? { ref } : {}),
    proto,
    description: "",
  }));
  return { name: msg(short), description: "", fields, reserved: [], local: false };
}

/** The messages a kind's `metadata` needs, by full name. */
export const OBJECT_META_MESSAGES: readonly ProtoMessage[] = Object.keys(SHAPES).map(message);
