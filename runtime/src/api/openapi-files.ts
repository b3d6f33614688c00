import { readFileSync } from "node:fs";

/**
 * Reads the generated OpenAPI documents of a package: `openapi/v2.json` and
 * `openapi/v3/apis/<group>/<version>.json` for each group-version, relative to
 * `packageRoot` (a file URL of the generated package's folder).
 */
export function loadOpenAPIDocuments(
  packageRoot: URL,
  groupVersions: string[],
): { v2: object; v3: Record<string, object> } {
  const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, packageRoot), "utf8")) as object;
  const v3: Record<string, object> = {};
  for (const gv of groupVersions) v3[`apis/${gv}`] = read(`openapi/v3/apis/${gv}.json`);
  return { v2: read("openapi/v2.json"), v3 };
}
