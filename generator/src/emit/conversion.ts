/**
 * `src/<group>/conversion.ts`: how the kinds of each served version other
 * than storage convert to and from the storage version (hub and spoke).
 * Fields that map by name are copied by generated code; the project's
 * functions for a type pair (conversion-gen's names, see conversion/plan.ts)
 * run after those copies to fill in the rest. The functions are not imported:
 * they are the `ConversionFunctions` the project passes to `serve()`, typed
 * here so that a missing required one is a compile error in the project's
 * main, as conversion-gen makes it in Go.
 */
import { TsFile } from "../codegen/ts-file.js";
import type { EmittedFile } from "../codegen/file.js";
import { planGroupConversions, type GroupConversionPlan, type KindConversion, type TypePair, type ValueConversion } from "../conversion/plan.js";
import type { ApiModel, GroupModel } from "../model/types.js";
import type { EmitContext, Emitter } from "./emitter.js";

export const conversionEmitter: Emitter = {
  name: "conversion",
  description: "conversions between each served version and the storage version, with the project's conversion functions",
  emit(model, ctx) {
    return convertingGroups(model).map((plan) => emitGroupConversion(plan, ctx));
  },
};

/** The plans of the groups that serve a kind in a version other than storage. */
export function convertingGroups(model: ApiModel): GroupConversionPlan[] {
  return model.groups.map((group) => planGroupConversions(model, group)).filter((plan): plan is GroupConversionPlan => !!plan && plan.kinds.length > 0);
}

/** Whether some type pair of the plan has a field that only a project function can convert. */
export function needsFunctions(plan: GroupConversionPlan): boolean {
  return [...plan.pairs.values()].some((p) => p.unmapped.length > 0);
}

export function conversionFile(group: GroupModel): string {
  return `src/${group.name}/conversion.ts`;
}

/** The interface of a group's conversion functions, exported by its conversion.ts. */
export const CONVERSION_FUNCTIONS = "ConversionFunctions";

/** The function of a group's conversion.ts that gives its resources their conversions. */
export const WITH_CONVERSIONS = "withConversions";

/** The list, in a group's conversion.ts, of the functions its schema needs (when it needs some). */
export const REQUIRED_FUNCTIONS = "requiredFunctions";

function emitGroupConversion(plan: GroupConversionPlan, ctx: EmitContext): EmittedFile {
  const { group, storage } = plan;
  const f = new TsFile(conversionFile(group));
  f.declare(CONVERSION_FUNCTIONS, WITH_CONVERSIONS, REQUIRED_FUNCTIONS);
  const runtime = { module: ctx.runtimeModule };
  const typeOf = (version: string, name: string) =>
    f.importAs(name, `${version}_${name}`, { file: `src/${group.name}/${version}/types.ts` }, { typeOnly: true });
  const pairs = [...plan.pairs.values()];
  const required = needsFunctions(plan);

  f.jsDoc(
    [
      `The conversion functions of ${group.name}, named as conversion-gen names them. Each runs after the`,
      "fields that map by name are copied into `dst`, to fill in the rest. Required for a type pair with a",
      "field that has no field of the same name and a compatible type on the other side; optional otherwise.",
    ].join("\n"),
  );
  f.print(`export interface ${CONVERSION_FUNCTIONS} {`);
  for (const pair of pairs) {
    const signature = `(src: ${typeOf(pair.fromVersion, pair.from.name)}, dst: ${typeOf(pair.toVersion, pair.to.name)}) => void`;
    f.print(
      `  /** ${pair.unmapped.length ? `Required for ${pair.unmapped.map((u) => `${pair.path}.${u.name}`).join(", ")}: ${pair.toVersion} ${pair.to.name} has no field of the same name and a compatible type.` : `Optional: every field of ${pair.fromVersion} ${pair.from.name} maps by name.`} */`,
      `  ${pair.user}${pair.unmapped.length ? "" : "?"}: ${signature};`,
    );
  }
  f.print("}", "");
  if (required) {
    f.jsDoc("The required members of ConversionFunctions: the server checks them when it starts (a run from source is not type-checked).");
    f.print(`export const ${REQUIRED_FUNCTIONS}: readonly string[] = ${JSON.stringify(pairs.filter((p) => p.unmapped.length).map((p) => p.user))};`, "");
  }

  const valueExpr = (c: ValueConversion, v: string): string => {
    switch (c.kind) {
      case "copy":
        return c.scalar ? v : `${f.import("deepCopyJSON", runtime)}(${v})`;
      case "object":
        return `${plan.pairs.get(c.pair)!.generated}(${v}, fns)`;
      case "array":
        return `${v}.map((x) => ${valueExpr(c.items, "x")})`;
      case "map":
        return `Object.fromEntries(Object.entries(${v}).map(([k, x]) => [k, ${valueExpr(c.values, "x")}]))`;
    }
  };
  for (const pair of pairs) {
    const to = typeOf(pair.toVersion, pair.to.name);
    f.print(
      `function ${pair.generated}(src: ${typeOf(pair.fromVersion, pair.from.name)}, fns: ${CONVERSION_FUNCTIONS}): ${to} {`,
      `  const dst = {} as ${to};`,
      ...pair.mapped.map((m) => {
        const v = `src.${m.name}`;
        // Nulls are copied as they are; only values are walked.
        return m.conversion.kind === "copy"
          ? `  if (${v} !== undefined) dst.${m.name} = ${valueExpr(m.conversion, v)};`
          : `  if (${v} != null) dst.${m.name} = ${valueExpr(m.conversion, v)};`;
      }),
      `  fns.${pair.user}${pair.unmapped.length ? "" : "?."}(src, dst);`,
      `  return dst;`,
      `}`,
      "",
    );
  }

  const ResourceDefinition = f.importType("ResourceDefinition", runtime);
  const ResourceConversion = f.importType("ResourceConversion", runtime);
  const withConversion = f.import("withConversion", runtime);
  f.jsDoc(
    [
      `${group.name}'s resources with their conversions: each kind served in a version other than the storage`,
      `version ${storage.name} converts every request through it, calling \`fns\` for what does not map by name.`,
    ].join("\n"),
  );
  f.print(
    `export function ${WITH_CONVERSIONS}(resources: readonly ${ResourceDefinition}[], fns: ${CONVERSION_FUNCTIONS}${required ? "" : " = {}"}): ${ResourceDefinition}[] {`,
    `  const conversions: Record<string, ${ResourceConversion}> = {`,
    ...plan.kinds.map((k) => `    ${JSON.stringify(`${k.version.name}/${k.kind.name}`)}: ${kindConversion(plan, k, f, ctx)},`),
    "  };",
    "  return resources.map((r) => {",
    "    const conversion = conversions[`${r.version}/${r.kind}`];",
    `    return conversion ? ${withConversion}(r, conversion) : r;`,
    "  });",
    "}",
  );
  return f.toFile();
}

function kindConversion(plan: GroupConversionPlan, k: KindConversion, f: TsFile, ctx: EmitContext): string {
  const { group } = plan;
  const direction = (dir: "toStorage" | "fromStorage") => {
    const pairs = k[dir];
    const target = dir === "toStorage" ? plan.storage.name : k.version.name;
    const spec = plan.pairs.get(pairs.spec)!;
    const status = pairs.status ? plan.pairs.get(pairs.status) : undefined;
    const line = (field: string, p: TypePair) => `if (obj.${field} != null) out.${field} = ${p.generated}(obj.${field} as never, fns);`;
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
  return [
    "{",
    `  group: ${JSON.stringify(group.name)},`,
    `  version: ${JSON.stringify(k.version.name)},`,
    `  storageVersion: ${JSON.stringify(plan.storage.name)},`,
    `  toStorage: ${direction("toStorage")},`,
    `  fromStorage: ${direction("fromStorage")},`,
    "}",
  ].join("\n");
}
