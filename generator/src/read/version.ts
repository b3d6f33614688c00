/** Version tags from the doc comment at the top of `<version>/index.ts`. */
import type { SourceFile } from "ts-morph";
import type { DiagnosticBag } from "../model/diagnostic.js";
import { parseBreakingChangeTag } from "./breaking-change-tag.js";
import type { BreakingChangeAck, SourceLocation } from "../model/types.js";
import { readFileHeaderDoc } from "./jsdoc.js";
import { VERSION_TAGS, reportUnknownTag } from "./tags.js";
import { badValue, parseFlagTag } from "./tag-values.js";

export interface VersionTags {
  description: string;
  served: boolean;
  /** Undefined when not tagged; the group decides the default. */
  storage?: boolean;
  deprecated?: string;
  /** `@breakingChange <rule> <reason>` tags (skai-gen compat). */
  breakingChanges?: BreakingChangeAck[];
  source: SourceLocation;
}

export function readVersionTags(index: SourceFile | undefined, fallback: SourceLocation, projectRoot: string, diags: DiagnosticBag): VersionTags {
  const out: VersionTags = { description: "", served: true, source: fallback };
  if (!index) return out;
  const doc = readFileHeaderDoc(projectRoot, index);
  out.description = doc.description;
  out.source = doc.source ?? fallback;
  for (const tag of doc.tags) {
    switch (tag.name) {
      case "storageVersion": {
        const v = parseFlagTag(diags, tag);
        if (v !== undefined) {
          out.storage = v;
          out.source = tag.source; // storage-version diagnostics point at the tag
        }
        break;
      }
      case "served":
        if (tag.value === "true" || tag.value === "") out.served = true;
        else if (tag.value === "false") out.served = false;
        else badValue(diags, tag, `@served must be true or false, got ${JSON.stringify(tag.value)}`, "write @served false");
        break;
      case "deprecated": {
        const text = tag.value.replace(/^"(.*)"$/, "$1");
        // Empty: the group decides the text (model/deprecation.ts), as kube's default names the replacement.
        out.deprecated = text;
        break;
      }
      case "breakingChange": {
        const ack = parseBreakingChangeTag(diags, tag);
        if (ack) (out.breakingChanges ??= []).push(ack);
        break;
      }
      default:
        reportUnknownTag(diags, tag, VERSION_TAGS, "a version (index.ts)");
    }
  }
  return out;
}
