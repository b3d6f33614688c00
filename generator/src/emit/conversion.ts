/**
 * `src/<group>/conversion.ts`: for each kind of each served version other than
 * storage, the functions that convert it to and from the storage version
 * (hub and spoke). Fields that map by name are copied by generated code; the
 * user's functions for a type pair (conversion-gen names, see
 * conversion/plan.ts) run after those copies to fill in the rest. The user's
 * `definitions/<group>/conversion.ts` is copied to
 * `src/<group>/user-conversion.ts`: at the same depth under the version
 * folders, its `./v1alpha1/index.js` imports resolve to the generated types,
 * so the TypeScript build checks its signatures against the calls here.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import { planGroupConversions, type GroupConversionPlan, type TypePair, type ValueConversion } from "../conversion/plan.js";
import type { ApiModel, GroupModel, KindModel, VersionModel } from "../model/types.js";
import type { EmitContext, Emitter } from "./emitter.js";

export const conversionEmitter: Emitter = {
  name: "conversion",
  description: "conversions between each served version and the storage version",
  emit(model, ctx) {
    return model.groups.flatMap((group) => {
      const plan = planGroupConversions(model, group);
      if (!plan || plan.kinds.length === 0) return [];
      const files = [emitGroupConversion(plan, ctx)];
      if (group.conversion) files.push(copyUserConversion(group));
      return files;
    });
  },
};

export function conversionFile(group: GroupModel): string {
  return `src/${group.name}/conversion.ts`;
}

function userConversionFile(group: GroupModel): string {
  return `src/${group.name}/user-conversion.ts`;
}

function copyUserConversion(group: GroupModel): EmittedFile {
  return { path: userConversionFile(group), content: `// Copied from ${group.conversion!.file}.\n${group.conversion!.text}`, language: "typescript" };
}

/** The exported name of a kind's conversion in a version, e.g. `v1beta1NotebookConversion`. */
export function kindConversionName(version: VersionModel, kind: KindModel): string {
  return `${version.name}${kind.name}Conversion`;
}

function emitGroupConversion(plan: GroupConversionPlan, ctx: EmitContext): EmittedFile {
  const { group } = plan;
  const f = new TsFile(conversionFile(group));
  const functions = group.conversion?.functions ?? {};
  const typeOf = (version: string, name: string) =>
    f.importAs(name, `${version}_${name}`, { file: `src/${group.name}/${version}/types.ts` }, { typeOnly: true });
  const valueExpr = (c: ValueConversion, v: string): string => {
    switch (c.kind) {
      case "copy":
        return c.scalar ? v : `${f.import("deepCopyJSON", { module: ctx.runtimeModule })}(${v})`;
      case "object":
        return `${plan.pairs.get(c.pair)!.generated}(${v})`;
      case "array":
        return `${v}.map((x) => ${valueExpr(c.items, "x")})`;
      case "map":
        return `Object.fromEntries(Object.entries(${v}).map(([k, x]) => [k, ${valueExpr(c.values, "x")}]))`;
    }
  };
  for (const pair of plan.pairs.values()) {
    const from = typeOf(pair.fromVersion, pair.from.name);
    const to = typeOf(pair.toVersion, pair.to.name);
    const user = pair.user in functions ? f.import(pair.user, { file: userConversionFile(group) }) : undefined;
    f.print(
      `function ${pair.generated}(src: ${from}): ${to} {`,
      `  const dst = {} as ${to};`,
      ...pair.mapped.map((m) => {
        const v = `src.${m.name}`;
        // Nulls are copied as they are; only values are walked.
        return m.conversion.kind === "copy"
          ? `  if (${v} !== undefined) dst.${m.name} = ${valueExpr(m.conversion, v)};`
          : `  if (${v} != null) dst.${m.name} = ${valueExpr(m.conversion, v)};`;
      }),
      ...(user ? [`  ${user}(src, dst);`] : pair.unmapped.length ? [`  // Not converted (kept in an annotation): ${pair.unmapped.map((u) => u.name).join(", ")}.`] : []),
      `  return dst;`,
      `}`,
      "",
    );
  }
  const ResourceConversion = f.importType("ResourceConversion", { module: ctx.runtimeModule });
  for (const k of plan.kinds) {
    const kindFn = (dir: "toStorage" | "fromStorage") => {
      const pairs = k[dir];
      const target = dir === "toStorage" ? plan.storage.name : k.version.name;
      const spec = plan.pairs.get(pairs.spec)!;
      const status = pairs.status ? plan.pairs.get(pairs.status) : undefined;
      const line = (field: string, p: TypePair) => `if (obj.${field} != null) out.${field} = ${p.generated}(obj.${field} as never);`;
      return [
        `(obj) => {`,
        `  const out: Record<string, unknown> = { ...obj, apiVersion: ${JSON.stringify(`${group.name}/${target}`)}, metadata: ${f.import("deepCopyJSON", { module: ctx.runtimeModule })}(obj.metadata) };`,
        `  delete out.spec;`,
        `  delete out.status;`,
        `  ${line("spec", spec)}`,
        ...(status ? [`  ${line("status", status)}`] : []),
        `  return out;`,
        `}`,
      ].join("\n");
    };
    f.jsDoc(`${k.kind.name} of ${group.name}/${k.version.name}, stored as ${group.name}/${plan.storage.name}.`);
    f.print(
      `export const ${kindConversionName(k.version, k.kind)}: ${ResourceConversion} = {`,
      `  group: ${JSON.stringify(group.name)},`,
      `  version: ${JSON.stringify(k.version.name)},`,
      `  storageVersion: ${JSON.stringify(plan.storage.name)},`,
      `  toStorage: ${kindFn("toStorage")},`,
      `  fromStorage: ${kindFn("fromStorage")},`,
      `};`,
      "",
    );
  }
  return f.toFile();
}

/** The kinds of `version` that convert (for the server's resource definitions). */
export function convertingKinds(model: ApiModel, group: GroupModel, version: VersionModel): Set<string> {
  const plan = planGroupConversions(model, group);
  return new Set(plan?.kinds.filter((k) => k.version === version).map((k) => k.kind.name) ?? []);
}
