/**
 * The compact protobuf descriptors the generator emits per group-version (and the
 * hand-written meta/v1 ones in meta.ts): enough to map our JSON objects to
 * Kubernetes' protobuf messages field by field, without a .proto parser at run time.
 *
 * A field is `[number, jsonName, type, ref?]`. `type` is a scalar or well-known
 * kind, optionally prefixed with `[]` (repeated) or `{}` (map<string, X>):
 *
 * - `string` `bool` `int32` `int64` `double`: proto scalars (enums are strings, as in kube)
 * - `time` `microtime`: metav1.Time / MicroTime (`{int64 seconds = 1; int32 nanos = 2}`)
 * - `quantity`: resource.Quantity (`{string string = 1}`)
 * - `intstr`: intstr.IntOrString (`{int64 type = 1; int32 intVal = 2; string strVal = 3}`)
 * - `json`: free-form JSON as runtime.RawExtension / metav1.FieldsV1 (`{bytes raw = 1}`)
 * - `msg`: the message named by `ref`
 * - `inline`: the message named by `ref`, embedded in Go (an anonymous struct field),
 *   so its fields sit in the parent's JSON object (`jsonName` is empty)
 */
export type ProtoFieldDescriptor = [number: number, name: string, type: string, ref?: string];

/** Messages by full proto name (`com.example.shop.v1alpha1.WidgetSpec`, `k8s.io.api.core.v1.Container`). */
export type ProtoTypes = Record<string, ProtoFieldDescriptor[]>;

/** What a served kind needs to speak protobuf: its messages and the names of the kind and list messages. */
export interface KindProtobuf {
  /** Full name of the kind's message, e.g. `com.example.shop.v1alpha1.Widget`. */
  kind: string;
  /** Full name of the list message, e.g. `com.example.shop.v1alpha1.WidgetList`. */
  list: string;
  /** Every message reachable from the kind (shared by all kinds of a group-version). */
  types: ProtoTypes;
}

export type ScalarKind = "string" | "bool" | "int32" | "int64" | "double" | "time" | "microtime" | "quantity" | "intstr" | "json" | "msg" | "inline";

/** A field compiled for the codec: the wire tag precomputed, the message resolved. */
export interface CompiledField {
  no: number;
  name: string;
  kind: ScalarKind;
  repeated: boolean;
  map: boolean;
  /** Precomputed key (number << 3 | wire type) of the field; for maps, of the entry. */
  tag: number;
  /** Key of the value inside a map entry (field 2). */
  valueTag: number;
  message?: CompiledMessage;
}

export interface CompiledMessage {
  name: string;
  fields: CompiledField[];
  /** Field by number, for decoding. */
  byNo: (CompiledField | undefined)[];
  /** Direct (non-inline) field by JSON name, for encoding. */
  byName: Map<string, CompiledField>;
  /** Inline (embedded) fields, encoded from the parent's own JSON object. */
  inlines: CompiledField[];
}

const WIRE: Record<ScalarKind, number> = {
  string: 2, bool: 0, int32: 0, int64: 0, double: 1, time: 2, microtime: 2, quantity: 2, intstr: 2, json: 2, msg: 2, inline: 2,
};
const KINDS = new Set(Object.keys(WIRE));

/** Resolves descriptors into linked, precomputed messages; unknown refs fail loudly (a generator bug). */
export function compileTypes(types: ProtoTypes): Map<string, CompiledMessage> {
  const out = new Map<string, CompiledMessage>();
  for (const name of Object.keys(types)) {
    out.set(name, { name, fields: [], byNo: [], byName: new Map(), inlines: [] });
  }
  for (const [name, fields] of Object.entries(types)) {
    const msg = out.get(name)!;
    for (const [no, fieldName, type, ref] of fields) {
      const repeated = type.startsWith("[]");
      const map = type.startsWith("{}");
      const kind = (repeated || map ? type.slice(2) : type) as ScalarKind;
      if (!KINDS.has(kind)) throw new Error(`protobuf descriptor ${name}.${fieldName}: unknown type ${type}`);
      let message: CompiledMessage | undefined;
      if (kind === "msg" || kind === "inline") {
        message = out.get(ref ?? "");
        if (!message) throw new Error(`protobuf descriptor ${name}.${fieldName}: unknown message ${ref}`);
      }
      const wire = WIRE[kind];
      const field: CompiledField = {
        no,
        name: fieldName,
        kind,
        repeated,
        map,
        // a map is a repeated entry message {key = 1; value = 2}
        tag: (no << 3) | (map ? 2 : wire),
        valueTag: (2 << 3) | wire,
        ...(message ? { message } : {}),
      };
      msg.fields.push(field);
      msg.byNo[no] = field;
      if (kind === "inline") msg.inlines.push(field);
      else msg.byName.set(fieldName, field);
    }
  }
  return out;
}
