/**
 * `test/smoke.test.mjs` in the generated package: a node:test file, plain
 * JavaScript with no dependency beyond the package itself, that starts the
 * API's server on a free port with its state in a temp folder and, through
 * the typed client, creates, gets, lists and deletes one object of every
 * served kind. The objects are synthesized from the schema at generate time
 * (samples/); a kind without a sample is a skipped test that says why.
 *
 * The server is the package's bin (built), or, for a project with its own
 * entry (config `server.main`), that TypeScript file run with tsx, which
 * skai-gen depends on: the same program `skai-gen dev` runs.
 */
import path from "node:path";
import { TsFile } from "../codegen/ts-file.js";
import type { ApiModel } from "../model/types.js";
import type { Emitter, EmitContext } from "./emitter.js";
import { groupVersionNamer } from "./naming.js";
import { sampleObject } from "./samples/index.js";

export const SMOKE_TEST_PATH = "test/smoke.test.mjs";
/** Namespaced kinds' samples live here; the server needs no Namespace object for it. */
const NAMESPACE = "default";

export const smokeTestEmitter: Emitter = {
  name: "smoke-test",
  description: "test/smoke.test.mjs: starts the server and creates, gets, lists and deletes one object of every kind",
  emit: (model, ctx) => [smokeTest(model, ctx)],
};

function smokeTest(model: ApiModel, ctx: EmitContext) {
  const f = new TsFile(SMOKE_TEST_PATH, "javascript");
  f.declare("SERVER", "NAMESPACE", "roundTrip", "startServer");
  const n = ctx.names;
  const imp = (name: string, module: string) => f.import(name, { module });
  const client = imp(n.clientClass, `${n.packageName}/client`);
  const [isNotFound, isInvalid, isForbidden] = ["isNotFound", "isInvalid", "isForbidden"].map((x) => imp(x, `${n.packageName}/client`));
  const assert = f.importAs("strict", "assert", { module: "node:assert" });
  const [describe, it, before, after] = ["describe", "it", "before", "after"].map((x) => imp(x, "node:test"));
  const fileURLToPath = imp("fileURLToPath", "node:url");
  const join = imp("join", "node:path");

  f.print("/**");
  f.print(` * Smoke test of ${n.packageName}: starts the server on a free port with its state in a temp folder,`);
  f.print(" * then creates, gets, lists and deletes one object of every served kind through the typed client.");
  f.print(" * The objects were synthesized from the schema by skai-gen generate; give a field an @example");
  f.print(" * in the definitions to choose its value.");
  f.print(" */", "");
  if (n.serverMain) {
    const main = path.posix.relative(`${n.outDir}/test`, n.serverMain);
    f.print(`/** The project's own server entry (configuration \`server.main\`), run from source with tsx as \`skai-gen dev\` runs it. */`);
    f.print(`const SERVER = ["--import", import.meta.resolve("tsx"), ${fileURLToPath}(new URL(${JSON.stringify(main)}, import.meta.url))];`);
  } else {
    f.print(`/** The package's server bin, as \`npm run build\` leaves it. */`);
    f.print(`const SERVER = [${fileURLToPath}(new URL("../dist/server/main.js", import.meta.url))];`);
  }
  f.print(`const NAMESPACE = ${JSON.stringify(NAMESPACE)};`, "");

  f.print(`${describe}(${JSON.stringify(`${n.packageName}: every kind is created, read, listed and deleted`)}, () => {`);
  f.print("  let server;", "  let client;", "");
  f.print(`  ${before}(async () => {`, "    server = await startServer();", `    client = new ${client}(server.kubeconfig);`, "  });", "");
  f.print(`  ${after}(async () => {`, "    client?.close();", "    await server?.stop();", "  });");

  const accessorOf = groupVersionNamer(model.groups);
  for (const g of model.groups)
    for (const v of g.versions.filter((v) => v.served))
      for (const k of v.kinds) {
        const title = JSON.stringify(`${g.name}/${v.name} ${k.name}`);
        const sample = sampleObject(model, g.name, v.name, k, `smoke-${v.name}`, NAMESPACE);
        f.print("");
        if (!sample.ok) {
          f.print(`  ${it}(${title}, { skip: ${JSON.stringify(`no sample: ${sample.reason}`)} }, () => {});`);
          continue;
        }
        const resource = `client.${accessorOf(g, v)}.${k.plural}(${k.scope === "Namespaced" ? "NAMESPACE" : ""})`;
        f.print(`  ${it}(${title}, () => roundTrip(${resource}, ${JSON.stringify(sample.object)}));`);
      }
  f.print("});", "");

  f.print(`/** Creates the sample, reads it back, finds it in the list, deletes it and sees it gone. */
async function roundTrip(resource, sample) {
  const name = sample.metadata.name;
  let created;
  try {
    created = await resource.create(sample);
  } catch (err) {
    // Refused by validation or an admission plugin: the sample is what to change.
    const hint = ${isInvalid}(err) || ${isForbidden}(err) ? "\\nThe sample comes from the schema; an @example on a field in the definitions chooses its value." : "";
    throw new Error(\`creating the sample \${sample.kind} failed: \${err.message}\${hint}\`, { cause: err });
  }
  ${assert}.equal(created.metadata.name, name);
  ${assert}.ok(created.metadata.uid, "the created object has a uid");
  const got = await resource.get(name);
  ${assert}.equal(got.metadata.uid, created.metadata.uid);
  ${assert}.deepEqual(got.spec, created.spec);
  const list = await resource.list();
  ${assert}.ok(list.items.some((o) => o.metadata.uid === created.metadata.uid), \`the list has \${name}\`);
  await resource.delete(name);
  await ${assert}.rejects(resource.get(name), (err) => ${isNotFound}(err));
}
`);
  startServer(f, { join, fileURLToPath });
  return f.toFile();
}

/** The server in a temp folder: SQLite, certificates and the admin kubeconfig there, a free port. */
function startServer(f: TsFile, names: { join: string; fileURLToPath: string }): void {
  const { join } = names;
  const spawn = f.import("spawn", { module: "node:child_process" });
  const [mkdtempSync, rmSync] = ["mkdtempSync", "rmSync"].map((x) => f.import(x, { module: "node:fs" }));
  const tmpdir = f.import("tmpdir", { module: "node:os" });
  f.print(`/** Starts the server and resolves once it serves (it writes the admin kubeconfig before saying so). */
async function startServer() {
  const dir = ${mkdtempSync}(${join}(${tmpdir}(), "smoke-"));
  const kubeconfig = ${join}(dir, "kubeconfig");
  const args = ["--secure-port", "0", "--storage", \`sqlite:\${${join}(dir, "data.db")}\`, "--cert-dir", ${join}(dir, "certs"), "--kubeconfig-out", kubeconfig];
  const child = ${spawn}(process.execPath, [...SERVER, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (output += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise((resolve, reject) => {
    // A guard against a hung start, not a measure of speed: a first run from source compiles first.
    const timer = setTimeout(() => reject(new Error(\`the server did not start in 60 s:\\n\${output}\`)), 60_000);
    child.stdout.on("data", () => {
      if (!/^Serving on /m.test(output)) return;
      clearTimeout(timer);
      resolve();
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(\`the server exited (\${code}) before serving:\\n\${output}\`));
    });
  });
  return {
    kubeconfig,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      ${rmSync}(dir, { recursive: true, force: true });
    },
  };
}`);
}
