import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeSyntheticApi } from "./synthetic-api.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "generator/bin/skai-gen.js");
const scratch = path.join(root, "bench/out");

/** Runs `skai-gen generate` in a fresh process (cold: no caches) and returns wall-clock ms. */
function generateCold(definitions: string, out: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [cli, "generate", "--definitions", definitions, "--out", out], {
    cwd: root,
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`generate failed:\n${r.stdout}${r.stderr}`);
  return ms;
}

export async function benchGenerator(report: (line: string) => void): Promise<void> {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });

  const skai = generateCold(path.join(root, "definitions"), path.join(scratch, "skai"));
  report(`generate SKAI API (6 kinds), cold process: ${skai.toFixed(0)} ms (target < 5000 ms)`);

  const perKind: number[] = [];
  for (const n of [25, 50, 100]) {
    const defs = path.join(scratch, `defs-${n}`);
    writeSyntheticApi(defs, n);
    const ms = generateCold(defs, path.join(scratch, `out-${n}`));
    perKind.push(ms / n);
    report(`generate synthetic API of ${n} kinds, cold process: ${ms.toFixed(0)} ms (${(ms / n).toFixed(1)} ms/kind)`);
  }
  report(`  growth: ms/kind at 100 is ${(perKind[2] / perKind[0]).toFixed(2)}x ms/kind at 25 (1.0 = linear; start-up cost makes it < 1)`);

  report(`watch: one-field edit -> output on disk: ${(await watchLatency()).toFixed(0)} ms (target < 1000 ms)`);
}

/** Starts `generate --watch` on a copy of the SKAI definitions, edits one field, and times until the output changes. */
async function watchLatency(): Promise<number> {
  const defs = path.join(scratch, "watch-defs");
  const out = path.join(scratch, "watch-out");
  spawnSync("cp", ["-r", path.join(root, "definitions"), defs]);
  const child = spawn(process.execPath, [cli, "generate", "--watch", "--definitions", defs, "--out", out], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  try {
    // `watching` comes first (the watch is armed before the first run); the summary line ends that run.
    await waitFor(() => / files in /.test(output), 30_000, () => output);
    const typesFile = path.join(out, "src/skai.io/v1alpha1/types.ts");
    const before = readFileSync(typesFile, "utf8");
    const notebook = path.join(defs, "skai.io/v1alpha1/notebook.ts");
    const start = performance.now();
    writeFileSync(notebook, readFileSync(notebook, "utf8").replace("  suspend?: boolean;", "  suspend?: boolean;\n  /** Added by the benchmark. */\n  benchField?: string;"));
    await waitFor(() => readFileSync(typesFile, "utf8") !== before, 10_000, () => output);
    return performance.now() - start;
  } finally {
    child.kill("SIGTERM");
  }
}

async function waitFor(cond: () => boolean, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${context()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
