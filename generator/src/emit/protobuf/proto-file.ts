/**
 * `proto/<group>/<version>/generated.proto`: the group-version's messages in
 * the style of Kubernetes' go-to-protobuf output (proto2, one message per kind,
 * list and nested type, upstream messages imported from their generated.proto).
 */
import type { EmittedFile } from "../../codegen/file.js";
import type { GroupModel, VersionModel } from "../../model/types.js";
import type { ProtoField, ProtoMessage } from "./message-types.js";
import { protoPackage } from "./messages.js";

const IMPORTS: Array<[prefix: string, file: string]> = [
  ["k8s.io.api.core.v1.", "k8s.io/api/core/v1/generated.proto"],
  ["k8s.io.apimachinery.pkg.api.resource.", "k8s.io/apimachinery/pkg/api/resource/generated.proto"],
  ["k8s.io.apimachinery.pkg.apis.meta.v1.", "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto"],
  ["k8s.io.apimachinery.pkg.runtime.", "k8s.io/apimachinery/pkg/runtime/generated.proto"],
  ["k8s.io.apimachinery.pkg.util.intstr.", "k8s.io/apimachinery/pkg/util/intstr/generated.proto"],
];

export function emitProtoFile(group: GroupModel, version: VersionModel, messages: ProtoMessage[]): EmittedFile {
  const pkg = protoPackage(group, version);
  const local = messages.filter((m) => m.local);
  const referenced = new Set(local.flatMap((m) => m.fields.map((f) => typeName(f))));
  const imports = IMPORTS.filter(([prefix]) => [...referenced].some((t) => t.startsWith(prefix))).map(([, file]) => file);
  const out: string[] = ['syntax = "proto2";', "", `package ${pkg};`, ""];
  for (const file of imports) out.push(`import "${file}";`);
  if (imports.length > 0) out.push("");
  out.push('// Package-wide variables from generator "generated".', `option go_package = "${group.name}/${version.name}";`, "");
  for (const m of local) {
    out.push(...comment(m.description, ""), `message ${m.name.slice(pkg.length + 1)} {`);
    m.fields.forEach((f, i) => {
      if (i > 0) out.push("");
      out.push(...comment(f.description, "  "), `  ${fieldLine(f, pkg)}`);
    });
    // removed fields: their numbers (and names) are never used again
    if (m.reserved.length > 0) {
      if (m.fields.length > 0) out.push("");
      out.push(`  reserved ${m.reserved.map((r) => r.number).join(", ")};`);
      out.push(`  reserved ${m.reserved.map((r) => JSON.stringify(r.name.replace(/~\d+$/, ""))).filter((n, i, all) => all.indexOf(n) === i).join(", ")};`);
    }
    out.push("}", "");
  }
  return { path: `proto/${group.name}/${version.name}/generated.proto`, content: out.join("\n"), language: "proto" };
}

/** The message or scalar type a field names, without `repeated`/`map<>`. */
function typeName(f: ProtoField): string {
  const m = /^map<string, (.+)>$/.exec(f.proto);
  if (m) return m[1];
  return f.proto.replace(/^repeated /, "");
}

function fieldLine(f: ProtoField, pkg: string): string {
  const ref = (t: string) => (t.startsWith(`${pkg}.`) ? t.slice(pkg.length + 1) : t.includes(".") ? `.${t}` : t);
  const map = /^map<string, (.+)>$/.exec(f.proto);
  if (map) return `map<string, ${ref(map[1])}> ${f.name} = ${f.number};`;
  if (f.proto.startsWith("repeated ")) return `repeated ${ref(f.proto.slice(9))} ${f.name} = ${f.number};`;
  return `optional ${ref(f.proto)} ${f.name} = ${f.number};`;
}

function comment(text: string, indent: string): string[] {
  if (!text.trim()) return [];
  return text.trim().split("\n").map((l) => `${indent}//${l.trim() ? " " + l.trimEnd() : ""}`);
}
