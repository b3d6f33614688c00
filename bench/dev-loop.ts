/**
 * `skai-gen dev`'s loop: from saving a one-field change to a definition (by
 * rename, as editors do) to the running server serving the field, on the
 * minimal fixture API. The first start (cold generate and build) is reported
 * too, then the median of a few changes with dev's own split of each
 * (generate, build, restart).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { adminAgent, request } from "../test/support/admin-http.js";
import { freePort } from "../test/support/ports.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "generator/bin/skai-gen.js");
const CHANGES = 5;

export async function benchDevLoop(report: (line: string) => void): Promise<void> {
  // Inside the repository, so the definitions and the generated package resolve from node_modules.
  const work = path.join(root, "bench/out/dev-loop");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(path.join(root, "test/fixtures/apis/minimal"), work, { recursive: true });
  const port = await freePort();
  const started = performance.now();
  const dev = spawn(process.execPath, [cli, "dev", "--", "--secure-port", String(port)], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  dev.stdout!.on("data", (d) => (output += d));
  dev.stderr!.on("data", (d) => (output += d));
  try {
    await waitFor(() => /first run: .*restarted in \d+ ms/.test(output), () => output);
    report(`dev: first start (generate, cold build, start) ${Math.round(performance.now() - started)} ms: ${lastLine(output, "first run")}`);

    const agent = adminAgent(path.join(work, ".tiny"), { keepAlive: false });
    const openapi = `https://127.0.0.1:${port}/openapi/v3/apis/tiny.example.org/v1alpha1`;
    const greeting = path.join(work, "definitions/tiny.example.org/v1alpha1/greeting.ts");
    const loops: number[] = [];
    for (let i = 1; i <= CHANGES; i++) {
      const field = `benchField${i}`;
      const source = readFileSync(greeting, "utf8");
      const saved = performance.now();
      writeFileSync(`${greeting}.tmp`, source.replace("  times?: int32;", `  times?: int32;\n  /** Added by the benchmark. */\n  ${field}?: string;`));
      renameSync(`${greeting}.tmp`, greeting);
      await waitFor(async () => {
        const reply = await request(openapi, { agent, deadlineMs: 5_000 }).catch(() => undefined);
        return reply?.status === 200 && reply.text.includes(`"${field}"`);
      }, () => output);
      loops.push(performance.now() - saved);
      await waitFor(() => countOf(output, /greeting\.ts changed: .*restarted in/g) === i, () => output);
      report(`  change ${i}: ${Math.round(loops[i - 1]!)} ms to serving (${lastLine(output, "greeting.ts changed")})`);
    }
    const sorted = [...loops].sort((a, b) => a - b);
    report(`dev: one-field change, save to serving: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms of ${CHANGES} (target < 3000 ms)`);
    // Wall-clock figures stretch with whatever else the machine runs: say how busy it was.
    report(`  load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  } finally {
    await stop(dev);
    rmSync(work, { recursive: true, force: true });
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, context: () => string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${context()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lastLine(output: string, containing: string): string {
  const line = output.split("\n").filter((l) => l.includes(containing)).pop() ?? "";
  return line.replace(/^skai-gen: (definitions\/\S+ changed|first run): /, "");
}

function countOf(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}


async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGINT");
  await exited;
}
