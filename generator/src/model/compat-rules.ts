/**
 * The rules `skai-gen compat` judges an API change by, after Kubernetes' API
 * change guidelines (community/contributors/devel/sig-architecture/api_changes.md):
 * a client written against the old API must keep working against the new one.
 * Breaking rules fail the check unless acknowledged (`@breakingChange <rule>
 * <reason>`) or, when the configuration allows it, the version is alpha.
 */

/** Breaking changes, with what to do instead. */
export const BREAKING_RULES = {
  "removed-kind": "keep the kind in this version; remove it in a new version instead",
  "removed-version": "keep serving the version (mark it @deprecated) until clients have moved",
  "removed-field": "keep the field (mark it @deprecated); add new fields beside it or in a new version",
  "removed-subresource": "keep the subresource in this version",
  "enum-value-removed": "keep the value accepted; stop producing it instead",
  "type-changed": "add a field with the new type and deprecate the old one, or change it in a new version",
  "became-required": "keep the field optional, or give it a @default",
  "new-required-field": "make the field optional, or give it a @default",
  "list-type-changed": "keep the list's @listType; change it in a new version",
  "list-map-keys-changed": "keep the list's @listMapKey fields; change them in a new version",
  "scope-changed": "keep the kind's @scope; a different scope needs a new kind or group",
  "storage-version-unserved": "keep serving the previous storage version until stored objects are migrated",
  "protobuf-number-changed": "keep the field's number (definitions/protobuf.lock.json); never reuse a removed one",
  "default-changed": "keep the @default; a new default silently changes what existing clients get",
  "validation-tightened": "keep the rule loose, or make it a rule without oldSelf so stored values are ratcheted",
} as const;

/** Compatible changes, listed so a reviewer sees the whole change. */
export const COMPATIBLE_RULES = [
  "kind-added",
  "version-added",
  "field-added",
  "became-optional",
  "enum-value-added",
  "subresource-added",
  "validation-loosened",
] as const;

export type BreakingRule = keyof typeof BREAKING_RULES;
export type CompatibleRule = (typeof COMPATIBLE_RULES)[number];
export type CompatRule = BreakingRule | CompatibleRule;

export const BREAKING_RULE_NAMES = Object.keys(BREAKING_RULES) as BreakingRule[];

export function isBreakingRule(name: string): name is BreakingRule {
  return Object.prototype.hasOwnProperty.call(BREAKING_RULES, name);
}
