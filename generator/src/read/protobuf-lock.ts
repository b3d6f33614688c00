/** Reads `definitions/protobuf.lock.json` (absent: nothing numbered yet). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { PROTOBUF_LOCK_FILE, type MessageNumbers, type ProtobufNumbering } from "../model/protobuf.js";
import { relativeFile } from "./location.js";

export function readProtobufLock(definitionsDir: string, projectRoot: string, diags: DiagnosticBag): ProtobufNumbering {
  const file = join(definitionsDir, PROTOBUF_LOCK_FILE);
  const empty: ProtobufNumbering = { messages: {} };
  if (!existsSync(file)) return empty;
  const at = { file: relativeFile(projectRoot, file), line: 1, column: 1 };
  const bad = (why: string) => {
    diags.report(at, "protobuf-lock", `${PROTOBUF_LOCK_FILE} is not a valid lock file: ${why}`, "restore it from version control; its numbers must never change");
    return empty;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return bad((e as Error).message);
  }
  const messages = (parsed as { messages?: unknown })?.messages;
  if (!messages || typeof messages !== "object") return bad("no messages");
  const out: ProtobufNumbering = { messages: {} };
  for (const [id, raw] of Object.entries(messages as Record<string, unknown>)) {
    const m = raw as Partial<MessageNumbers>;
    const fields = numbers(m?.fields);
    const reserved = numbers(m?.reserved);
    if (!fields || !reserved) return bad(`message ${id} needs "fields" and "reserved" objects of positive integers`);
    out.messages[id] = { fields, reserved };
  }
  return out;
}

function numbers(v: unknown): Record<string, number> | undefined {
  if (!v || typeof v !== "object") return undefined;
  for (const n of Object.values(v)) if (!Number.isInteger(n) || (n as number) < 1) return undefined;
  return { ...(v as Record<string, number>) };
}
