/**
 * The fixture APIs unlike SKAI (test/fixtures/apis/<name>: definitions and
 * their own skai-gen.config.json): generated in-process into a scratch folder
 * inside the repository (so the generated code resolves @skai-gen/* from its
 * node_modules) and served from there with tsx.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../../generator/src/config/index.js";
import { generate, type GenerateResult } from "../../generator/src/pipeline.js";
import { writeTree } from "../../generator/src/write/writer.js";
import { repoRoot } from "./generated-server.js";

export const FIXTURE_APIS = ["minimal", "shop", "fleet"] as const;
export type FixtureApi = (typeof FIXTURE_APIS)[number];

export function fixtureRoot(name: FixtureApi): string {
  return path.join(repoRoot, "test/fixtures/apis", name);
}

/** A fresh folder under test/.scratch-apis/ (git-ignored); remove it with `rmSync(dir, { recursive: true })`. */
export function scratchDir(prefix: string): string {
  const base = path.join(repoRoot, "test/.scratch-apis");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, `${prefix}-`));
}

/** Generates fixture `name` from its own configuration into `outDir`; throws on diagnostics. */
export async function generateFixture(name: FixtureApi, outDir: string): Promise<GenerateResult> {
  return generateApiAt(fixtureRoot(name), outDir);
}

/** Generates the API at `root` (definitions/ and skai-gen.config.json) into `outDir`; throws on diagnostics. */
export async function generateApiAt(root: string, outDir: string): Promise<GenerateResult> {
  const config = loadConfig(root, path.join(root, "skai-gen.config.json"));
  const result = await generate({ definitionsDir: path.join(root, "definitions"), projectRoot: root, config });
  if (result.diagnostics.length > 0) throw new Error(`${path.basename(root)}: ${result.diagnostics.map((d) => d.message).join("\n")}`);
  await writeTree(outDir, result.files);
  return result;
}

export interface FixtureServer {
  url: string;
  kubeconfig: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs the generated package in `outDir` (its src/server/main.ts, with tsx) on a free port, state in a temp folder. */
export async function startFixtureServer(outDir: string): Promise<FixtureServer> {
  const state = mkdtempSync(path.join(outDir, ".state-"));
  const kubeconfig = path.join(state, "kubeconfig");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(outDir, "src/server/main.ts"), "--secure-port=0", "--storage=memory:", `--cert-dir=${path.join(state, "certs")}`, `--kubeconfig-out=${kubeconfig}`],
    { cwd: outDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /Serving on (https:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout.on("data", check);
    child.once("exit", (code) => reject(new Error(`the generated server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    kubeconfig,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
