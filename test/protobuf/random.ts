/**
 * Random JSON objects shaped by protobuf descriptors, for round-trip property
 * tests: every field kind (scalars, times, quantities, IntOrString, raw JSON,
 * nested, repeated, map, embedded) with a seeded generator so failures repeat.
 * Lists and maps are never empty: protobuf cannot tell an empty list from none.
 */
import type { ProtoTypes } from "@skai-gen/client/protobuf";

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const WORDS = ["alpha", "beta", "gpu-0", "ns/x", "", "héllo wörld", "漢字", "a".repeat(60), "x:y=z"];

export function randomMessage(types: ProtoTypes, name: string, rand: () => number, depth = 0, into: Record<string, unknown> = {}): Record<string, unknown> {
  const fields = types[name];
  if (!fields) throw new Error(`no message ${name}`);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const value = (kind: string, ref: string | undefined): unknown => {
    switch (kind) {
      case "string":
        return pick(WORDS);
      case "bool":
        return rand() < 0.5;
      case "int32":
        return Math.floor(rand() * 200_000) - 1000;
      case "int64":
        return Math.floor(rand() * 2 ** 40) - 2 ** 20;
      case "double":
        return Math.round(rand() * 1e6) / 64;
      case "time":
        return new Date(Math.floor(rand() * 2e9) * 1000).toISOString().slice(0, 19) + "Z";
      case "microtime":
        return new Date(Math.floor(rand() * 2e9) * 1000).toISOString().slice(0, 19) + "." + String(Math.floor(rand() * 1e6)).padStart(6, "0") + "Z";
      case "quantity":
        return pick(["100m", "2Gi", "3", "1.5", "500Mi"]);
      case "intstr":
        return rand() < 0.5 ? Math.floor(rand() * 65535) : pick(["http", "metrics", "25%"]);
      case "json":
        return { a: [1, "x", { b: true }], n: null, s: pick(WORDS) };
      case "msg":
        return depth > 4 ? {} : randomMessage(types, ref!, rand, depth + 1);
      default:
        throw new Error(`unexpected kind ${kind}`);
    }
  };
  for (const [, field, type, ref] of fields) {
    if (type === "inline") {
      if (rand() < 0.7) randomMessage(types, ref!, rand, depth, into);
      continue;
    }
    if (rand() < (depth === 0 ? 0.2 : 0.45)) continue;
    if (type.startsWith("[]")) {
      const n = 1 + Math.floor(rand() * 2);
      into[field] = Array.from({ length: n }, () => value(type.slice(2), ref));
    } else if (type.startsWith("{}")) {
      const m: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(rand() * 2); i++) m[`k${i}-${pick(["a", "b.c/d", "é"])}`] = value(type.slice(2), ref);
      into[field] = m;
    } else into[field] = value(type, ref);
  }
  return into;
}
