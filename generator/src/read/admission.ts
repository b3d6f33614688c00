/** `definitions/admission.ts`: the user's admission plugins, carried in the model as text. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AdmissionModule } from "../model/types.js";
import { relativeFile } from "./location.js";

export const ADMISSION_FILE_NAME = "admission.ts";

export function readAdmissionModule(defsDir: string, projectRoot: string): AdmissionModule | undefined {
  const path = join(defsDir, ADMISSION_FILE_NAME);
  if (!existsSync(path)) return undefined;
  return { file: relativeFile(projectRoot, path), source: readFileSync(path, "utf8") };
}
