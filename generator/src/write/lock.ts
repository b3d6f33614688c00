/**
 * Writing `definitions/protobuf.lock.json`: the one file the generator keeps
 * outside its output folder, because the numbers in it are an input of every
 * later run. Written only when its content changed.
 */
import { promises as fs } from "node:fs";
import type { ProtobufLockFile } from "../model/protobuf.js";

/** True when the lock on disk already has this content. */
export async function lockIsCurrent(lock: ProtobufLockFile): Promise<boolean> {
  try {
    return (await fs.readFile(lock.path, "utf8")) === lock.content;
  } catch {
    return false;
  }
}

/** Writes the lock when it changed; returns whether it did. */
export async function writeLock(lock: ProtobufLockFile): Promise<boolean> {
  if (await lockIsCurrent(lock)) return false;
  await fs.writeFile(lock.path, lock.content);
  return true;
}
