/**
 * Numbers the protobuf fields of the definitions' own types. Every number in the
 * lock is kept; `@protobuf <n>` pins a field; a field the lock has that the
 * definitions lost is reserved; new fields take the next number above every
 * number the message ever used (declaration order), so reordering or adding
 * fields never renumbers one and a removed number is never given out again.
 */
import type { DiagnosticBag } from "./diagnostic.js";
import type { MessageNumbers, ProtobufNumbering } from "./protobuf.js";
import { PROTOBUF_LOCK_FILE } from "./protobuf.js";
import type { ApiModel, Field, ObjectType } from "./types.js";

const MAX_FIELD = 536_870_911;
/** Numbers protobuf keeps for itself. */
const isImplementationReserved = (n: number) => n >= 19_000 && n <= 19_999;

export function numberProtobufFields(model: ApiModel, lock: ProtobufNumbering, diags: DiagnosticBag): ProtobufNumbering {
  const messages: Record<string, MessageNumbers> = {};
  for (const [id, type] of Object.entries(model.types)) {
    if (type.origin !== "definitions") continue;
    messages[id] = numberMessage(type, lock.messages[id] ?? { fields: {}, reserved: {} }, diags);
  }
  // A type that left the definitions keeps its numbers reserved, in case it comes back.
  for (const [id, prev] of Object.entries(lock.messages)) {
    if (messages[id]) continue;
    const reserved = { ...prev.reserved };
    for (const [name, n] of Object.entries(prev.fields)) reserveAs(reserved, name, n);
    messages[id] = { fields: {}, reserved };
  }
  return { messages };
}

function numberMessage(type: ObjectType, prev: MessageNumbers, diags: DiagnosticBag): MessageNumbers {
  const fields: Record<string, number> = {};
  const reserved: Record<string, number> = { ...prev.reserved };
  const reservedOwner = new Map(Object.entries(reserved).map(([name, n]) => [n, name]));
  const used = new Map<number, string>();
  const take = (f: Field, n: number) => {
    fields[f.name] = n;
    used.set(n, f.name);
  };

  for (const f of type.fields) {
    if (f.protobuf === undefined) continue;
    const n = f.protobuf;
    const locked = prev.fields[f.name];
    if (!Number.isInteger(n) || n < 1 || n > MAX_FIELD || isImplementationReserved(n)) {
      diags.report(f.source, "protobuf-number", `@protobuf ${n} on ${type.name}.${f.name} is not a usable field number`, `use 1..${MAX_FIELD}, outside 19000..19999`);
    } else if (locked !== undefined && locked !== n) {
      diags.report(
        f.source,
        "protobuf-renumber",
        `${type.name}.${f.name} has protobuf number ${locked} in ${PROTOBUF_LOCK_FILE}; @protobuf ${n} would renumber it`,
        `field numbers are fixed forever: write @protobuf ${locked} or remove the tag`,
      );
    } else if (reservedOwner.has(n) && reservedOwner.get(n) !== f.name) {
      diags.report(f.source, "protobuf-reserved", `protobuf number ${n} of ${type.name} is reserved (it was field ${reservedOwner.get(n)}, since removed)`, "pick an unused number, or leave the field unpinned to get the next free one");
    } else if (used.has(n)) {
      diags.report(f.source, "protobuf-duplicate", `${type.name}.${f.name} and ${type.name}.${used.get(n)} both pin protobuf number ${n}`, "give each field its own number");
    } else {
      take(f, n);
      // pinning a removed field back to its own number brings it back
      if (reserved[f.name] === n) delete reserved[f.name];
    }
  }
  for (const f of type.fields) {
    if (fields[f.name] !== undefined || f.protobuf !== undefined) continue;
    const locked = prev.fields[f.name];
    if (locked === undefined) continue;
    if (used.has(locked)) {
      diags.report(f.source, "protobuf-duplicate", `${type.name}.${f.name} has protobuf number ${locked} in ${PROTOBUF_LOCK_FILE}, which @protobuf gave to ${used.get(locked)}`, `remove that @protobuf tag`);
      continue;
    }
    take(f, locked);
  }
  const names = new Set(type.fields.map((f) => f.name));
  for (const [name, n] of Object.entries(prev.fields)) {
    if (!names.has(name)) reserveAs(reserved, name, n);
  }
  let next = Math.max(0, ...used.keys(), ...Object.values(reserved), ...Object.values(prev.fields)) + 1;
  for (const f of type.fields) {
    if (fields[f.name] !== undefined || f.protobuf !== undefined) continue;
    if (isImplementationReserved(next)) next = 20_000;
    take(f, next++);
  }
  return { fields, reserved };
}

/** Reserves n under the field's name (a name removed twice keeps both numbers). */
function reserveAs(reserved: Record<string, number>, name: string, n: number): void {
  if (Object.values(reserved).includes(n)) return;
  let key = name;
  for (let i = 2; reserved[key] !== undefined; i++) key = `${name}~${i}`;
  reserved[key] = n;
}
