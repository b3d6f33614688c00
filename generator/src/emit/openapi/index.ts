/** The OpenAPI emitter: one v3 document per served group-version and one v2 document for all. */
import type { Emitter } from "../emitter.js";
import { buildV2Document } from "./v2.js";
import { buildV3Document, type DocumentInfo } from "./v3.js";

export { buildV2Document, toV2Schema } from "./v2.js";
export { buildV3Document } from "./v3.js";
export { collectDefinitions } from "./definitions.js";
export { groupVersionPaths } from "./operations.js";

/** Output paths, relative to the generated package; the server serves these files. */
const v3DocumentPath = (group: string, version: string) => `openapi/v3/apis/${group}/${version}.json`;
const V2_DOCUMENT_PATH = "openapi/v2.json";

// The documents are JSON.stringify output, already canonical; as `raw` the pipeline
// writes them as given instead of spending seconds in prettier on ~800 kB each.
const jsonFile = (path: string, doc: unknown) => ({ path, content: JSON.stringify(doc, null, 2) + "\n", language: "json" as const, preformatted: true });

export const openapiEmitter: Emitter = {
  name: "openapi",
  description: "OpenAPI v3 per group-version and one OpenAPI v2 document (kubectl explain, validation, apply)",
  emit(model, ctx) {
    const info: DocumentInfo = { title: ctx.names.packageName, version: ctx.names.packageVersion };
    const files = [];
    for (const g of model.groups)
      for (const v of g.versions) {
        if (!v.served) continue;
        const doc = buildV3Document(model, g.name, v, info);
        files.push(jsonFile(v3DocumentPath(g.name, v.name), doc));
      }
    files.push(jsonFile(V2_DOCUMENT_PATH, buildV2Document(model, info)));
    return files;
  },
};
