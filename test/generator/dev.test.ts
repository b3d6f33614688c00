/**
 * `skai-gen dev` on a copy of the minimal fixture API: it generates, builds
 * and starts the server; a field with a default added to the definition
 * (saved by rename) is served after the incremental rebuild and restart,
 * with the existing object intact and the client type updated; a mistake
 * prints its diagnostic and the old server keeps answering; Ctrl-C stops the
 * server and skai-gen cleanly.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { adminAgent, type Reply, request } from "../support/admin-http.js";
import { repoRoot } from "../support/generated-server.js";
import { freePort } from "../support/ports.js";

const cli = path.join(repoRoot, "generator/bin/skai-gen.js");
const GREETINGS = "/apis/tiny.example.org/v1alpha1/greetings";

/** Polls until `probe` returns a value; the deadline only guards against hanging, nothing is timed. */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, context: () => string): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


/** A running `skai-gen dev` on a copy of a fixture API, and HTTPS to its server. */
interface DevRun {
  work: string;
  output(): string;
  ask(url: string, method?: string, body?: object): Promise<Reply | undefined>;
  child: ChildProcess;
}

/**
 * Copies the minimal fixture into the repository (so node_modules resolve),
 * with `extra` files over it, starts `skai-gen dev` on a free port and waits
 * for the first start.
 */
async function startDev(extra: Record<string, string> = {}): Promise<DevRun> {
  const work = mkdtempSync(path.join(repoRoot, "test/.scratch-dev-"));
  cpSync(path.join(repoRoot, "test/fixtures/apis/minimal"), work, { recursive: true });
  for (const [file, content] of Object.entries(extra)) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), content);
  }
  const port = await freePort();
  const child = spawn(process.execPath, [cli, "dev", "--", "--secure-port", String(port)], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await until(() => (/first run: .*restarted in \d+ ms/.test(output) ? true : undefined), "the first start", () => output);
  // The server's state lives in the project's state folder (`.tiny` for `tiny-api`).
  const agent = adminAgent(path.join(work, ".tiny"), { keepAlive: false });
  return {
    work,
    child,
    output: () => output,
    // undefined while the server restarts
    ask: (url, method = "GET", body) => request(`https://127.0.0.1:${port}${url}`, { method, body, agent, deadlineMs: 10_000 }).catch(() => undefined),
  };
}

async function stopDev(run: DevRun | undefined): Promise<void> {
  if (!run) return;
  if (run.child.exitCode === null) {
    // SIGINT, as Ctrl-C: skai-gen stops its server (a SIGKILL would leave the server running).
    const exited = new Promise((r) => run.child.once("exit", r));
    run.child.kill("SIGINT");
    await exited;
  }
  rmSync(run.work, { recursive: true, force: true });
}

function saveByRename(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

describe("skai-gen dev", { timeout: 900_000 }, () => {
  let dev: DevRun;
  const greeting = () => path.join(dev.work, "definitions/tiny.example.org/v1alpha1/greeting.ts");
  const output = () => dev.output();
  before(async () => {
    dev = await startDev();
  });
  after(() => stopDev(dev));

  let uid: string;

  it("serves the API with its state and kubeconfig in the project's state folder", async () => {
    assert.ok(existsSync(path.join(dev.work, ".tiny/kubeconfig")), output());
    assert.ok(existsSync(path.join(dev.work, ".tiny/data.db")), output());
    const created = await dev.ask(GREETINGS, "POST", {
      apiVersion: "tiny.example.org/v1alpha1",
      kind: "Greeting",
      metadata: { name: "hello" },
      spec: { message: "hi" },
    });
    assert.equal(created?.status, 201, created?.text);
    uid = created!.json().metadata.uid;
  });

  it("serves a field added with a default after a save by rename, keeping the object", async () => {
    const source = readFileSync(greeting(), "utf8");
    saveByRename(greeting(), source.replace("  times?: int32;", '  times?: int32;\n  /** Who is greeted. @default "world" */\n  audience?: string;'));
    const schema = await until(
      async () => {
        const doc = await dev.ask("/openapi/v3/apis/tiny.example.org/v1alpha1");
        const text = doc?.status === 200 ? doc.text : "";
        return text.includes('"audience"') ? JSON.parse(text) : undefined;
      },
      "the new field in the served OpenAPI",
      output,
    );
    const spec = schema.components.schemas["org.example.tiny.v1alpha1.GreetingSpec"];
    assert.equal(spec?.properties?.audience?.default, "world", JSON.stringify(spec));
    const line = /greeting\.ts changed: generated in \d+ ms, built in \d+ ms, restarted in \d+ ms/;
    await until(() => (line.test(output()) ? true : undefined), "the line saying how the change went", output);

    const existing = await dev.ask(`${GREETINGS}/hello`);
    assert.equal(existing?.status, 200, existing?.text);
    assert.equal(existing!.json().metadata.uid, uid);
    assert.equal(existing!.json().spec.message, "hi");
    const fresh = await dev.ask(GREETINGS, "POST", { apiVersion: "tiny.example.org/v1alpha1", kind: "Greeting", metadata: { name: "fresh" }, spec: { message: "hey" } });
    assert.equal(fresh?.status, 201, fresh?.text);
    assert.equal(fresh!.json().spec.audience, "world");

    // The typed client's declarations were rebuilt too.
    const types = readFileSync(path.join(dev.work, "generated/dist/tiny.example.org/v1alpha1/types.d.ts"), "utf8");
    assert.match(types, /audience\?: string/);
  });

  it("prints a mistake's diagnostic and leaves the old server serving", async () => {
    const source = readFileSync(greeting(), "utf8");
    const restarts = () => output().match(/restarted in \d+ ms/g)?.length ?? 0;
    const before = restarts();
    saveByRename(greeting(), source.replace("@maximum 10", "@maximum lots"));
    await until(() => (/keeps serving the last good definitions/.test(output()) ? true : undefined), "the diagnostic", output);
    assert.match(output(), /definitions\/tiny\.example\.org\/v1alpha1\/greeting\.ts:\d+:\d+: error: /);
    const answer = await dev.ask(`${GREETINGS}/hello`);
    assert.equal(answer?.status, 200, answer?.text);
    assert.equal(answer!.json().metadata.uid, uid);
    assert.equal(restarts(), before, output());
  });

  it("stops the server and exits on Ctrl-C", async () => {
    const exited = new Promise<number | null>((r) => dev.child.once("exit", (code) => r(code)));
    dev.child.kill("SIGINT");
    assert.equal(await exited, 0, output());
    assert.match(output(), /Received SIGINT, shutting down/);
    assert.equal(await dev.ask(`${GREETINGS}/hello`), undefined, "the server still answers after skai-gen dev exited");
  });
});

describe("skai-gen dev with the project's own server (server.main)", { timeout: 900_000 }, () => {
  let dev: DevRun;
  const stamp = (value: string) => `export const stamp = "${value}";\n`;
  before(async () => {
    dev = await startDev({
      "skai-gen.config.json": JSON.stringify({ package: { name: "tiny-api" }, server: { main: "server/main.ts" } }),
      // The project's main composes the generated server with its own admission plugin.
      "server/main.ts": [
        'import { serve } from "../generated/dist/server/index.js";',
        'import { stamp } from "./stamp.js";',
        "",
        "await serve(process.argv.slice(2), {",
        '  admission: [{ name: "stamp", mutate: (attrs: any) => void (attrs.object.metadata.labels = { stamp }) }],',
        "});",
        "",
      ].join("\n"),
      "server/stamp.ts": stamp("one"),
    });
  });
  after(() => stopDev(dev));

  it("runs it from source and restarts it, without generating, when it changes", async () => {
    const create = (name: string) =>
      dev.ask(GREETINGS, "POST", { apiVersion: "tiny.example.org/v1alpha1", kind: "Greeting", metadata: { name }, spec: { message: name } });
    const first = await create("first");
    assert.equal(first?.status, 201, first?.text);
    assert.equal(first!.json().metadata.labels?.stamp, "one");

    saveByRename(path.join(dev.work, "server/stamp.ts"), stamp("two"));
    await until(() => (/server\/stamp\.ts changed: restarted in \d+ ms/.test(dev.output()) ? true : undefined), "the restart", dev.output);
    const second = await until(() => create("second"), "the restarted server", dev.output);
    assert.equal(second.status, 201, second.text);
    assert.equal(second.json().metadata.labels?.stamp, "two");
    const kept = await dev.ask(`${GREETINGS}/first`);
    assert.equal(kept?.json().metadata.labels?.stamp, "one", kept?.text);
  });
});
