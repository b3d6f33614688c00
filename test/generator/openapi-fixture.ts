// A small hand-built model exercising what the SKAI definitions do not: a cluster-scoped
// kind without status, nullable, free-form and int-or-string values, multi-key map lists,
// union tags, an unserved version. Shared by the openapi and docs model tests.
import type { ApiModel, Field, KindModel, ObjectType, TypeNode, Constraints } from "../../generator/src/model/types.js";

const src = { file: "definitions/example.com/v1/widget.ts", line: 1, column: 1 };
const field = (name: string, type: TypeNode, opts: { required?: boolean; description?: string; constraints?: Constraints } = {}): Field => ({
  name, type, required: opts.required ?? false, description: opts.description ?? "", constraints: opts.constraints ?? {}, source: src,
});
const object = (id: string, fields: Field[], constraints: Constraints = {}, description = ""): ObjectType => ({
  id, name: id.split(".").pop()!, origin: "definitions", description, fields, constraints, source: src,
});
const kind = (k: Partial<KindModel> & Pick<KindModel, "name" | "spec">): KindModel => ({
  listKind: `${k.name}List`, plural: `${k.name.toLowerCase()}s`, singular: k.name.toLowerCase(), scope: "Namespaced", shortNames: [], categories: [],
  description: "", subresources: { status: false, log: false, exec: false, custom: [] }, printColumns: [], selectableFields: [], rules: [], source: src,
  ...k,
});

export function smallModel(): ApiModel {
  const types: ObjectType[] = [
    object("com.example.v1.GadgetSpec", [
      field("size", { kind: "intOrString", quantity: false }, { required: true, description: "Size as a number or a name." }),
      field("memory", { kind: "intOrString", quantity: true }),
      field("note", { kind: "string" }, { constraints: { nullable: true, deprecated: true } }),
      field("config", { kind: "unknown" }, { constraints: { preserveUnknownFields: true } }),
      field("ports", { kind: "array", items: { kind: "object", ref: "com.example.v1.Port" } }, { constraints: { listType: "map", listMapKeys: ["port", "protocol"] } }),
      field("weights", { kind: "map", values: { kind: "integer", format: "int64" }, valueConstraints: { minimum: 0 } }, { constraints: { mapType: "atomic" } }),
      field("modes", { kind: "array", items: { kind: "enum", values: ["Fast", "Slow"] } }, { constraints: { listType: "set" } }),
      field("ratio", { kind: "number", format: "double" }, { constraints: { minimum: 0, exclusiveMinimum: true, maximum: 1 } }),
      field("template", { kind: "object", ref: "com.example.v1.Embedded" }, { constraints: { embeddedResource: true, preserveUnknownFields: true } }),
      field("since", { kind: "time", micro: true }),
      field("tls", { kind: "object", ref: "com.example.v1.Tls" }),
    ], {}, "GadgetSpec is the desired state of a Gadget."),
    object("com.example.v1.Port", [
      field("port", { kind: "integer", format: "int32" }, { required: true }),
      field("protocol", { kind: "enum", values: ["TCP", "UDP"], name: "Protocol" }, { required: true, constraints: { default: "TCP" } }),
    ]),
    object("com.example.v1.Embedded", []),
    object("com.example.v1.Tls", [field("secret", { kind: "string" }), field("acme", { kind: "boolean" })], { exactlyOneOf: [["secret", "acme"]] }),
  ];
  return {
    groups: [
      {
        name: "example.com",
        versions: [
          {
            name: "v1", served: true, storage: true, description: "Version v1 of the example API.", source: src,
            kinds: [kind({ name: "Gadget", spec: "com.example.v1.GadgetSpec", scope: "Cluster", rules: [{ rule: "self.metadata.name.size() < 20", message: "short names", source: src }] })],
          },
          { name: "v1beta1", served: false, storage: false, description: "", source: src, kinds: [kind({ name: "Gadget", spec: "com.example.v1.GadgetSpec" })] },
        ],
      },
    ],
    types: Object.fromEntries(types.map((t) => [t.id, t])),
  };
}
