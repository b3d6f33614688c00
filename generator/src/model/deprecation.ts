/**
 * The warning a deprecated version sends. `@deprecated "<text>"` is used as
 * written; a bare `@deprecated` gets apiextensions-apiserver's default for a
 * deprecated CRD version: `<group>/<version> <Kind> is deprecated; use
 * <group>/<newest served, not deprecated, newer version> <Kind>`.
 */
import type { GroupModel, VersionModel } from "./types.js";

/** Versions are in Kubernetes priority order, so the first newer, served, not deprecated one is the newest. */
function replacement(group: GroupModel, version: VersionModel, kind?: string): VersionModel | undefined {
  const at = group.versions.indexOf(version);
  return group.versions
    .slice(0, at < 0 ? 0 : at)
    .find((v) => v.served && v.deprecated === undefined && (kind === undefined || v.kinds.some((k) => k.name === kind)));
}

/** Undefined when the version is not deprecated. Without `kind`, the text for the version as a whole (docs). */
export function deprecationWarning(group: GroupModel, version: VersionModel, kind?: string): string | undefined {
  if (version.deprecated === undefined) return undefined;
  if (version.deprecated) return version.deprecated;
  const what = (v: VersionModel) => `${group.name}/${v.name}${kind ? ` ${kind}` : ""}`;
  const next = replacement(group, version, kind);
  return `${what(version)} is deprecated${next ? `; use ${what(next)}` : ""}`;
}
