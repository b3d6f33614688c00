/**
 * The comparison behind `skai-gen compat`: a pure function of the baseline
 * API and the API the definitions describe now, returning every change as a
 * finding placed in the new definitions. Served group-version-kinds are
 * compared with the same group-version-kind; a new version is a compatible
 * addition, never an edit of the previous one.
 */
import type { ApiModel, BreakingChangeAck, GroupModel, KindModel, SourceLocation, VersionModel } from "../model/types.js";
import { compareFindings, hintFor, levelOf, stabilityOf, type Finding, type FindingScope } from "./findings.js";
import type { CompatRule } from "../model/compat-rules.js";
import { SchemaComparison, where, withAcks, type SchemaSink } from "./schema.js";

export interface CompareOptions {
  /** Breaking changes in alpha versions are allowed (Kubernetes' rules for alpha APIs). */
  alphaMayBreak: boolean;
  /** Where findings with no place in the new definitions point: the definitions folder. */
  root: SourceLocation;
  /**
   * Kubernetes' own types (kubernetes-types, the prelude) are compared by name
   * only: a generated package describes them with upstream's schemas, not as
   * the definitions read them.
   */
  kubernetesTypesByName?: boolean;
}

export function compareApis(old: ApiModel, now: ApiModel, opts: CompareOptions): Finding[] {
  const findings: Finding[] = [];
  const reached = new Map<string, { subject: string; scope: FindingScope }>();
  const sink: SchemaSink = {
    add(rule, at, subject, message, scope, ratcheted) {
      const { level, reason, acknowledgedAt } = levelOf(rule, scope, ratcheted);
      findings.push({ rule, level, at, subject, message, hint: level === "compatible" ? "" : hintFor(rule), ...(reason ? { reason, acknowledgedAt } : {}) });
    },
    reached(typeId, subject, scope) {
      if (!reached.has(typeId)) reached.set(typeId, { subject, scope });
    },
  };
  const scopeOf = (version: string, acks: readonly BreakingChangeAck[]): FindingScope => ({ stability: stabilityOf(version), acks, alphaMayBreak: opts.alphaMayBreak });
  const add = (rule: CompatRule, at: SourceLocation, subject: string, message: string, scope: FindingScope) => sink.add(rule, at, subject, message, scope);

  for (const g of now.groups) {
    if (old.groups.some((o) => o.name === g.name)) continue;
    for (const v of g.versions.filter((x) => x.served)) add("version-added", v.source, `${g.name}/${v.name}`, `new version ${g.name}/${v.name}`, scopeOf(v.name, []));
  }
  for (const og of old.groups) {
    const ng = now.groups.find((g) => g.name === og.name);
    // A version-level change is acknowledged by a tag on any version of the group that remains.
    const groupAcks = (ng?.versions ?? []).flatMap((v) => v.breakingChanges ?? []);
    const groupAt = ng?.versions.find((v) => v.storage)?.source ?? ng?.versions[0]?.source ?? opts.root;
    const oldStorage = og.versions.find((v) => v.storage);
    // Objects stay stored in the previous storage version until migrated: it must stay served (as kube keeps it in storedVersions).
    const stillThere = oldStorage && ng?.versions.find((v) => v.name === oldStorage.name);
    if (oldStorage && (!stillThere || (!stillThere.served && !stillThere.storage))) {
      add(
        "storage-version-unserved",
        groupAt,
        `${og.name}/${oldStorage.name}`,
        `${og.name}/${oldStorage.name} was the storage version and is ${stillThere ? "no longer served" : "gone"}: objects stored in it can no longer be read until migrated`,
        scopeOf(oldStorage.name, groupAcks),
      );
    }
    for (const ov of og.versions.filter((v) => v.served)) {
      const nv = ng?.versions.find((v) => v.name === ov.name && v.served);
      const gv = `${og.name}/${ov.name}`;
      if (!nv) {
        add("removed-version", groupAt, gv, `version ${gv} is no longer served (it was at ${where(ov.source)})`, scopeOf(ov.name, groupAcks));
        continue;
      }
      compareVersion(og, ov, nv, scopeOf(ov.name, nv.breakingChanges ?? []));
    }
    for (const nv of ng?.versions ?? []) {
      if (nv.served && !og.versions.some((v) => v.name === nv.name && v.served))
        add("version-added", nv.source, `${og.name}/${nv.name}`, `new version ${og.name}/${nv.name}`, scopeOf(nv.name, []));
    }
  }

  function compareVersion(g: GroupModel, ov: VersionModel, nv: VersionModel, scope: FindingScope): void {
    const gv = `${g.name}/${ov.name}`;
    const schema = new SchemaComparison(old, now, sink, gv, opts.kubernetesTypesByName ?? false);
    for (const ok of ov.kinds) {
      const nk = nv.kinds.find((k) => k.name === ok.name);
      if (!nk) add("removed-kind", nv.source, `${gv} ${ok.name}`, `kind ${ok.name} was removed from ${gv} (it was at ${where(ok.source)})`, scope);
      else compareKind(schema, `${gv} ${ok.name}`, ok, nk, withAcks(scope, nk));
    }
    for (const nk of nv.kinds) {
      if (!ov.kinds.some((k) => k.name === nk.name)) add("kind-added", nk.source, `${gv} ${nk.name}`, `new kind ${nk.name} in ${gv}`, scope);
    }
  }

  function compareKind(schema: SchemaComparison, subject: string, ok: KindModel, nk: KindModel, scope: FindingScope): void {
    const at = nk.source;
    schema.kind = subject;
    if (ok.scope !== nk.scope) add("scope-changed", at, subject, `the scope changed from ${ok.scope} to ${nk.scope}: every URL and client call changes`, scope);
    const subresources = (k: KindModel) =>
      [k.subresources.status && "status", k.subresources.scale && "scale", k.subresources.log && "log", k.subresources.exec && "exec", ...k.subresources.custom].filter(
        (s): s is string => typeof s === "string",
      );
    const [os, ns] = [subresources(ok), subresources(nk)];
    for (const s of os) if (!ns.includes(s)) add("removed-subresource", at, subject, `subresource ${s} was removed`, scope);
    for (const s of ns) if (!os.includes(s)) add("subresource-added", at, subject, `new subresource ${s}`, scope);
    // The kind's own rules sit on the object's root.
    schema.value({ kind: "unknown" }, { rules: ok.rules }, { kind: "unknown" }, { rules: nk.rules }, ".", at, scope);
    schema.value({ kind: "object", ref: ok.spec }, {}, { kind: "object", ref: nk.spec }, {}, ".spec", at, scope);
    if (ok.status && nk.status) schema.value({ kind: "object", ref: ok.status }, {}, { kind: "object", ref: nk.status }, {}, ".status", at, scope);
    else if (ok.status) add("removed-field", at, subject, "the status was removed", scope);
    else if (nk.status) add("field-added", at, subject, "new status", scope);
  }

  protobufNumbers(old, now, reached, sink);
  const seen = new Set<string>();
  return findings
    .filter((f) => {
      const key = `${f.at.file}:${f.at.line}:${f.at.column}|${f.rule}|${f.message}`;
      return !seen.has(key) && Boolean(seen.add(key));
    })
    .sort(compareFindings);
}

/**
 * Protobuf field numbers are the wire contract of protobuf clients: a field
 * keeps its number forever and a number is never given to another field.
 * The lock file guarantees both unless it is edited by hand or `@protobuf` pins
 * a clash, so this is the check that catches those.
 */
function protobufNumbers(old: ApiModel, now: ApiModel, reached: Map<string, { subject: string; scope: FindingScope }>, sink: SchemaSink): void {
  for (const [id, { subject, scope }] of reached) {
    const before = old.protobuf?.messages[id];
    const after = now.protobuf?.messages[id];
    const type = now.types[id];
    if (!before || !after || !type) continue;
    const owner = new Map<number, string>();
    for (const [name, n] of [...Object.entries(before.reserved), ...Object.entries(before.fields)]) owner.set(n, name);
    for (const [name, n] of Object.entries(after.fields)) {
      const field = type.fields.find((f) => f.name === name);
      const at = field?.source ?? type.source;
      const fieldScope = field ? withAcks(scope, field) : scope;
      const was = before.fields[name];
      if (was !== undefined && was !== n) sink.add("protobuf-number-changed", at, subject, `protobuf field ${type.name}.${name} changed number from ${was} to ${n}`, fieldScope);
      else if (was === undefined && owner.has(n))
        sink.add("protobuf-number-changed", at, subject, `protobuf field ${type.name}.${name} reuses number ${n} of the old field ${owner.get(n)}`, fieldScope);
    }
  }
}
