/**
 * The protobuf step of the pipeline, between read and check: reads the lock,
 * numbers the fields into `model.protobuf`, and hands back the lock's new text
 * for the writer (generate writes it, verify compares it).
 */
import path from "node:path";
import { DiagnosticBag, type Diagnostic } from "../model/diagnostic.js";
import { PROTOBUF_LOCK_FILE, serializeProtobufLock, type ProtobufLockFile } from "../model/protobuf.js";
import { numberProtobufFields } from "../model/protobuf-numbers.js";
import type { ApiModel } from "../model/types.js";
import { readProtobufLock } from "./protobuf-lock.js";

export function protobufStep(definitionsDir: string, projectRoot: string, model: ApiModel): { diagnostics: Diagnostic[]; lock: ProtobufLockFile } {
  const diags = new DiagnosticBag(projectRoot);
  const lock = readProtobufLock(definitionsDir, projectRoot, diags);
  model.protobuf = numberProtobufFields(model, lock, diags);
  return {
    diagnostics: diags.list(),
    lock: { path: path.join(definitionsDir, PROTOBUF_LOCK_FILE), content: serializeProtobufLock(model.protobuf) },
  };
}
