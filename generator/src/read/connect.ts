/**
 * `definitions/<group>/<version>/connect.ts`: the user's log/exec providers.
 * Not read as definitions (it holds functions); its text goes into the model
 * so the emitter can copy it into the generated package, which compiles it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ConnectModule } from "../model/types.js";
import { relativeFile } from "./location.js";

export const CONNECT_FILE = "connect.ts";

export function readConnectModules(defsDir: string, projectRoot: string): ConnectModule[] {
  const out: ConnectModule[] = [];
  const dirs = (d: string) => readdirSync(d).filter((n) => !n.startsWith(".") && statSync(join(d, n)).isDirectory()).sort();
  for (const group of dirs(defsDir)) {
    for (const version of dirs(join(defsDir, group))) {
      const path = join(defsDir, group, version, CONNECT_FILE);
      if (!existsSync(path)) continue;
      out.push({ group, version, file: relativeFile(projectRoot, path), source: readFileSync(path, "utf8") });
    }
  }
  return out;
}
