/**
 * Protobuf field numbers of the definitions' own types. They are fixed forever
 * once assigned, so they live in a committed lock file next to the definitions
 * (`definitions/protobuf.lock.json`): the reader reads it, model/protobuf-numbers.ts
 * keeps every number it holds and numbers new fields, and `skai-gen generate`
 * writes the result back (write/lock.ts). Upstream Kubernetes types use
 * Kubernetes' own numbers (emit/protobuf/upstream-numbers.ts) and are not locked.
 */

/** One message's numbers: live fields and reserved (removed) ones, by JSON name. */
export interface MessageNumbers {
  fields: Record<string, number>;
  /** Numbers of removed fields, never given out again (`reserved` in the .proto). */
  reserved: Record<string, number>;
}

/** Numbers by message (definition id, e.g. `io.skai.v1alpha1.NotebookSpec`). */
export interface ProtobufNumbering {
  messages: Record<string, MessageNumbers>;
}

export const PROTOBUF_LOCK_FILE = "protobuf.lock.json";

/** The lock as one run numbered it: generate writes it, verify compares it. */
export interface ProtobufLockFile {
  /** Absolute path of `protobuf.lock.json` in the definitions folder. */
  path: string;
  content: string;
}

const LOCK_NOTE =
  "Protobuf field numbers of the definitions, fixed forever. Written by `skai-gen generate`: new fields get the next free number, removed ones are reserved. Commit this file; never renumber by hand (pin a number with @protobuf instead).";

/** The lock file's text: messages and fields sorted, so diffs show exactly what changed. */
export function serializeProtobufLock(numbering: ProtobufNumbering): string {
  const byNumber = (rec: Record<string, number>) =>
    Object.fromEntries(Object.entries(rec).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)));
  const messages: Record<string, MessageNumbers> = {};
  for (const id of Object.keys(numbering.messages).sort()) {
    const m = numbering.messages[id];
    messages[id] = { fields: byNumber(m.fields), reserved: byNumber(m.reserved) };
  }
  return JSON.stringify({ "//": LOCK_NOTE, version: 1, messages }, null, 2) + "\n";
}
