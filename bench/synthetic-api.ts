import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes a synthetic API of `kinds` kinds into `<dir>/bench.skai.io/v1/`, each
 * with a spec of a dozen constrained fields, a nested type, a map-list and a
 * status, so the benchmark exercises every step of the generator.
 */
export function writeSyntheticApi(dir: string, kinds: number): void {
  const versionDir = path.join(dir, "bench.skai.io", "v1");
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(path.join(versionDir, "index.ts"), "/**\n * Synthetic API for benchmarks.\n * @storageVersion\n */\nexport {};\n");
  for (let i = 0; i < kinds; i++) writeFileSync(path.join(versionDir, `kind${i}.ts`), kindSource(`Widget${i}`));
}

function kindSource(kind: string): string {
  return `import type { Resource, int32, Quantity, Condition } from "skai-gen/definitions";

/**
 * ${kind} is a synthetic kind.
 * @shortName ${kind.toLowerCase().replace("widget", "w")}
 * @printColumn name=Size type=integer jsonPath=.spec.size
 * @printColumn name=Phase type=string jsonPath=.status.phase
 * @subresource status
 */
export interface ${kind} extends Resource<${kind}Spec, ${kind}Status> {}

/** Desired state. */
export interface ${kind}Spec {
  /** Image to run. @minLength 1 @maxLength 256 */
  image: string;
  /** Size. @minimum 1 @maximum 100 @default 3 */
  size?: int32;
  /** Memory. */
  memory?: Quantity;
  /** Mode. */
  mode?: "Fast" | "Slow" | "Balanced";
  /** Labels. @maxProperties 16 */
  tags?: Record<string, string>;
  /** Ports. @listType map @listMapKey name */
  ports?: ${kind}Port[];
  /** Limits. */
  limits?: ${kind}Limits;
  /** Suspended. @default false */
  suspend?: boolean;
  /** Owner. @immutable */
  owner?: string;
  /** Pattern field. @pattern ^[a-z]+$ */
  slug?: string;
}

/** A named port. */
export interface ${kind}Port {
  /** Name. */
  name: string;
  /** Port. @minimum 1 @maximum 65535 */
  port: int32;
}

/**
 * Limits.
 * @rule self.min <= self.max "min must not exceed max"
 */
export interface ${kind}Limits {
  /** Min. */
  min: int32;
  /** Max. */
  max: int32;
}

/** Observed state. */
export interface ${kind}Status {
  /** Phase. */
  phase?: "Pending" | "Ready";
  /** Conditions. @listType map @listMapKey type */
  conditions?: Condition[];
}
`;
}
