/**
 * The tag vocabulary of the definitions language, and how field and type tags
 * become `Constraints`. Kind and version tags are read in kind.ts/version.ts;
 * they are listed here too so that "unknown tag" and "did you mean" know them.
 */
import type { DiagnosticBag } from "../model/diagnostic.js";
import { parseBreakingChangeTag } from "./breaking-change-tag.js";
import type { BreakingChangeAck, Constraints } from "../model/types.js";
import type { DocTag } from "./jsdoc.js";
import { closest } from "./suggest.js";
import {
  badValue,
  parseCountTag,
  parseEnumTag,
  parseFlagTag,
  parseJsonTag,
  parseNumberTag,
  parsePatternTag,
  parseRuleTag,
} from "./tag-values.js";

export const CONSTRAINT_TAGS = [
  "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "minLength", "maxLength", "pattern", "format", "minItems", "maxItems", "uniqueItems",
  "minProperties", "maxProperties", "default", "example", "title", "deprecated", "nullable",
  "rule", "immutable", "listType", "listMapKey", "mapType", "structType",
  "preserveUnknownFields", "embeddedResource", "protobuf", "breakingChange",
] as const;
export const TYPE_ONLY_TAGS = ["exactlyOneOf", "atMostOneOf", "atLeastOneOf"] as const;
export const KIND_TAGS = [
  "scope", "plural", "singular", "shortName", "category", "printColumn",
  "subresource", "selectableField", "rule", "breakingChange",
] as const;
export const VERSION_TAGS = ["storageVersion", "served", "deprecated", "breakingChange"] as const;

const ALL_TAGS = [...new Set<string>([...CONSTRAINT_TAGS, ...TYPE_ONLY_TAGS, ...KIND_TAGS, ...VERSION_TAGS])];

/** Tags that document rather than configure; TypeScript users write them out of habit. */
const IGNORED_TAGS = new Set(["see", "link", "remarks", "since", "internal", "privateRemarks", "todo"]);

/** The closest known tag, if it is close enough to be a typo. */
function suggestTag(name: string, candidates: readonly string[] = ALL_TAGS): string | undefined {
  return closest(name, candidates);
}

/** Reports a tag that is unknown here, suggesting the closest tag allowed at this place. */
export function reportUnknownTag(diags: DiagnosticBag, tag: DocTag, allowedHere: readonly string[], place: string): void {
  if (IGNORED_TAGS.has(tag.name)) return;
  if (ALL_TAGS.includes(tag.name)) {
    diags.report(tag.source, "misplaced-tag", `@${tag.name} is not allowed on ${place}`, placementHint(tag.name));
    return;
  }
  const guess = suggestTag(tag.name, allowedHere) ?? suggestTag(tag.name);
  diags.report(
    tag.source,
    "unknown-tag",
    `unknown tag @${tag.name}`,
    guess ? `did you mean @${guess}?` : `see the definitions language for the tags allowed on ${place}`,
  );
}

function placementHint(name: string): string {
  if ((KIND_TAGS as readonly string[]).includes(name)) return `@${name} belongs on a kind (an interface extending Resource)`;
  if ((TYPE_ONLY_TAGS as readonly string[]).includes(name)) return `@${name} belongs on an object type`;
  if ((VERSION_TAGS as readonly string[]).includes(name)) return `@${name} belongs in the doc comment of the version's index.ts`;
  return `@${name} belongs on a field or a type`;
}

export interface ConstraintTagResult {
  constraints: Constraints;
  protobuf?: number;
  /** `@deprecated <text>`: appended to the description by the caller. */
  deprecationNote?: string;
  /** `@breakingChange <rule> <reason>` tags (skai-gen compat). */
  breakingChanges?: BreakingChangeAck[];
}

/**
 * Reads the constraint tags of a field (`onType` false) or of an object type /
 * alias (`onType` true). Other tags are reported as unknown or misplaced.
 */
export function readConstraintTags(diags: DiagnosticBag, tags: DocTag[], onType: boolean): ConstraintTagResult {
  const c: Constraints = {};
  const out: ConstraintTagResult = { constraints: c };
  const allowed: string[] = [...CONSTRAINT_TAGS, ...(onType ? TYPE_ONLY_TAGS : [])];
  for (const tag of tags) {
    switch (tag.name) {
      case "minimum":
      case "maximum":
      case "multipleOf": {
        const n = parseNumberTag(diags, tag);
        if (n !== undefined) c[tag.name] = n;
        break;
      }
      case "exclusiveMinimum":
      case "exclusiveMaximum": {
        // JSON Schema 2020 style (`@exclusiveMinimum 0`) is stored the OpenAPI v3.0 way.
        if (tag.value === "" || tag.value === "true" || tag.value === "false") {
          c[tag.name] = tag.value !== "false";
          break;
        }
        const n = parseNumberTag(diags, tag);
        if (n === undefined) break;
        if (tag.name === "exclusiveMinimum") [c.minimum, c.exclusiveMinimum] = [n, true];
        else [c.maximum, c.exclusiveMaximum] = [n, true];
        break;
      }
      case "minLength":
      case "maxLength":
      case "minItems":
      case "maxItems":
      case "minProperties":
      case "maxProperties": {
        const n = parseCountTag(diags, tag);
        if (n !== undefined) c[tag.name] = n;
        break;
      }
      case "breakingChange": {
        const ack = parseBreakingChangeTag(diags, tag);
        if (ack) (out.breakingChanges ??= []).push(ack);
        break;
      }
      case "protobuf": {
        const n = parseCountTag(diags, tag, 1);
        if (n !== undefined) out.protobuf = n;
        break;
      }
      case "pattern": {
        const p = parsePatternTag(diags, tag);
        if (p !== undefined) c.pattern = p;
        break;
      }
      case "format":
      case "title":
        if (tag.value === "") badValue(diags, tag, `@${tag.name} needs a value`, `write e.g. @${tag.name} ${tag.name === "format" ? "uri" : "Name"}`);
        else c[tag.name] = tag.value;
        break;
      case "default":
      case "example": {
        const v = parseJsonTag(diags, tag);
        if (v) c[tag.name] = v.value;
        break;
      }
      case "deprecated":
        c.deprecated = true;
        if (tag.value !== "") out.deprecationNote = tag.value.replace(/^"(.*)"$/, "$1");
        break;
      case "uniqueItems":
      case "nullable":
      case "preserveUnknownFields":
      case "embeddedResource": {
        const f = parseFlagTag(diags, tag);
        if (f !== undefined) c[tag.name] = f;
        break;
      }
      case "rule": {
        const r = parseRuleTag(diags, tag);
        if (r) (c.rules ??= []).push(r);
        break;
      }
      case "immutable":
        if (parseFlagTag(diags, tag)) {
          (c.rules ??= []).push({ rule: "self == oldSelf", message: "Value is immutable", reason: "FieldValueInvalid", source: tag.source });
        }
        break;
      case "listType": {
        const v = parseEnumTag(diags, tag, ["atomic", "set", "map"] as const);
        if (v) c.listType = v;
        break;
      }
      case "listMapKey":
        if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(tag.value)) {
          badValue(diags, tag, `@listMapKey needs one field name, got ${JSON.stringify(tag.value)}`, "repeat the tag for each key: @listMapKey name");
        } else (c.listMapKeys ??= []).push(tag.value);
        break;
      case "mapType":
      case "structType": {
        const v = parseEnumTag(diags, tag, ["atomic", "granular"] as const);
        if (v) c[tag.name] = v;
        break;
      }
      case "exactlyOneOf":
      case "atMostOneOf":
      case "atLeastOneOf": {
        if (!onType) {
          reportUnknownTag(diags, tag, allowed, "a field");
          break;
        }
        const names = tag.value.split(",").map((s) => s.trim());
        if (names.length < 2 || names.some((n) => !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(n))) {
          badValue(diags, tag, `@${tag.name} needs two or more field names separated by commas, got ${JSON.stringify(tag.value)}`, `write e.g. @${tag.name} a,b`);
        } else (c[tag.name] ??= []).push(names);
        break;
      }
      default:
        reportUnknownTag(diags, tag, allowed, onType ? "a type" : "a field");
    }
  }
  return out;
}
