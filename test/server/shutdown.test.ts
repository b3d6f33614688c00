import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Handler } from "../../runtime/src/api/request.js";
import { call, startServer } from "./fixtures.js";

/** A watch that streams until aborted. */
const streaming: Handler = async (ctx) => {
  ctx.res.writeHead(200, { "Content-Type": "application/json" });
  ctx.res.write('{"type":"ADDED","object":{}}\n');
  await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
  ctx.res.end();
};

test("close() ends open watches and stops listening", async () => {
  const server = await startServer({ resourceHandler: streaming });
  const watch = call(server, "/apis/skai.io/v1alpha1/namespaces/ns/notebooks?watch=true");
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 4000, "close waited for the grace period");
  const r = await watch;
  assert.equal(r.status, 200);
  assert.match(r.body, /"ADDED"/);
  await assert.rejects(call(server, "/healthz"), /ECONNREFUSED/);
});

test("SIGTERM shuts a runServer process down cleanly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skai-sigterm-"));
  const fixtures = fileURLToPath(new URL("./fixtures.ts", import.meta.url));
  const run = fileURLToPath(new URL("../../runtime/src/server/run.ts", import.meta.url));
  const names = fileURLToPath(new URL("../support/server-names.ts", import.meta.url));
  const main = join(dir, "main.mts");
  writeFileSync(
    main,
    `import { runServer } from ${JSON.stringify(run)};
import { resources, openapi, echoHandler } from ${JSON.stringify(fixtures)};
import { TEST_SERVER_NAMES } from ${JSON.stringify(names)};
await runServer(process.argv.slice(2), resources, openapi, { names: TEST_SERVER_NAMES, server: { resourceHandler: echoHandler } });
`,
  );
  const child = spawn(process.execPath, ["--import", "tsx", main, "--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir, "certs")}`, `--kubeconfig-out=${join(dir, "kc")}`], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 20_000);
    child.stdout.on("data", () => {
      if (/Serving on https:\/\/127\.0\.0\.1:\d+/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const code = await exited;
  assert.equal(code, 0, out);
  assert.match(out, /Received SIGTERM, shutting down/);
});
