/**
 * What some suites need from the machine beyond `npm ci` (etcd, tmux, kubectl, openssl, the registry),
 * in one table used twice: by each suite (`{ skip: requires("etcd") }`) and by
 * scripts/run-tests.mjs, which says once, before and after the run, which files
 * are skipped and how to enable them. A suite names its needs literally
 * (`requires("etcd")`) so the runner can find it by reading the file.
 * With CI=true a missing requirement is an error: CI never skips silently.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

export type Requirement = "etcd" | "tmux" | "kubectl" | "openssl" | "npm-registry";

interface RequirementSpec {
  /** The command looked up on PATH. */
  command: string;
  /** An environment variable that names the binary instead of PATH. */
  envVar?: string;
  /** How to make it available (Debian/Ubuntu, as .ci/run does). */
  enable: string;
  /** A check beyond finding the command (e.g. the network); true when usable. */
  probe?: () => boolean;
  /** What the reason says when the probe fails. */
  probeFailure?: string;
}

export const REQUIREMENTS: Record<Requirement, RequirementSpec> = {
  etcd: { command: "etcd", envVar: "ETCD_BIN", enable: "apt-get install etcd-server, or ETCD_BIN=/path/to/etcd" },
  tmux: { command: "tmux", enable: "apt-get install tmux" },
  kubectl: { command: "kubectl", enable: "install kubectl (https://kubernetes.io/docs/tasks/tools/) on PATH" },
  openssl: { command: "openssl", enable: "apt-get install openssl" },
  "npm-registry": {
    command: "npm",
    enable: "network access to the npm registry (as npm ci has)",
    probe: () => spawnSync("npm", ["ping"], { stdio: "ignore", timeout: 20_000 }).status === 0,
    probeFailure: "`npm ping` fails",
  },
};

const probed = new Map<Requirement, boolean>();

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `command` on `envPath`, as a shell would find it. */
export function findOnPath(command: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir && executable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** The binary that fills `req`, or undefined when this machine has none. */
export function locate(req: Requirement, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const spec = REQUIREMENTS[req];
  const named = spec.envVar ? env[spec.envVar] : undefined;
  if (named) return named.includes("/") ? (executable(named) ? named : undefined) : findOnPath(named, env.PATH);
  return findOnPath(spec.command, env.PATH);
}

/** Why `req` is unavailable and how to enable it (undefined when available). */
export function missingReason(req: Requirement, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const spec = REQUIREMENTS[req];
  if (locate(req, env)) {
    if (!spec.probe) return undefined;
    if (!probed.has(req)) probed.set(req, spec.probe());
    return probed.get(req) ? undefined : `needs ${req} (${spec.probeFailure}); to run it: ${spec.enable}`;
  }
  const where = spec.envVar && env[spec.envVar] ? `${spec.envVar}=${env[spec.envVar]} is not an executable` : `${spec.command} is not on PATH`;
  return `needs ${req} (${where}); to run it: ${spec.enable}`;
}

export const isCI = (env: NodeJS.ProcessEnv = process.env): boolean => !!env.CI && env.CI !== "false" && env.CI !== "0";

/**
 * node:test's `skip` option for a suite that needs `reqs`: false when all are
 * there, else the reason. Under CI=true a missing requirement throws, so the
 * file fails with that reason instead of skipping.
 */
export function requires(...reqs: Requirement[]): false | string {
  const reasons = reqs.map((r) => missingReason(r)).filter((r): r is string => r !== undefined);
  if (reasons.length === 0) return false;
  const reason = reasons.join("; ");
  if (isCI()) throw new Error(`CI=true and this suite ${reason}`);
  return reason;
}

/** The requirements a test file declares (`requires("etcd", ...)` in its text). */
export function declaredRequirements(source: string): Requirement[] {
  const found = new Set<Requirement>();
  for (const call of source.matchAll(/\brequires\(([^)]*)\)/g)) {
    for (const arg of call[1]!.matchAll(/"([a-z-]+)"/g)) if (arg[1]! in REQUIREMENTS) found.add(arg[1] as Requirement);
  }
  return [...found];
}
