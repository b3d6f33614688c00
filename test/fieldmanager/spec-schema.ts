/** A spec with every kind of node the field manager types (tests of typed.ts and created.ts share it). */
import type { StructuralSchema } from "../../runtime/src/api/resource.js";

const str: StructuralSchema = { type: "string" };

export const specSchema: StructuralSchema = {
  type: "object",
  properties: {
    image: str,
    atomicList: { type: "array", items: str },
    tags: { type: "array", items: str, "x-kubernetes-list-type": "set" },
    env: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["name"],
      items: { type: "object", properties: { name: str, value: str } },
    },
    ports: {
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["port", "protocol"],
      items: { type: "object", properties: { port: { type: "integer" }, protocol: { type: "string", default: "TCP" } } },
    },
    selector: { type: "object", additionalProperties: str },
    atomicMap: { type: "object", additionalProperties: str, "x-kubernetes-map-type": "atomic" },
    atomicStruct: { type: "object", properties: { a: str, b: str }, "x-kubernetes-map-type": "atomic" },
    resources: { type: "object", properties: { cpu: str, gpus: { type: "integer" } } },
    free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
  },
};
