/**
 * The serving layer in front of the real resource handlers and memory storage:
 * kubectl create, get, get -A and delete through runServer's defaults.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runServer, type RunningServer } from "../../runtime/src/server/run.js";
import { openapi, resources } from "./fixtures.js";
import { requires } from "../support/requirements.js";
import { TEST_SERVER_NAMES } from "../support/server-names.js";

const KUBECTL = "kubectl";
const skip = requires("kubectl");
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "skai-stack-"));
let server: RunningServer;

before(async () => {
  const started = await runServer(
    ["--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir, "certs")}`, `--kubeconfig-out=${join(dir, "kubeconfig")}`],
    resources,
    openapi,
    { names: TEST_SERVER_NAMES, out: () => {}, handleSignals: false },
  );
  assert.ok(started);
  server = started;
});
after(() => server?.close());

function kubectl(...args: string[]) {
  return run(KUBECTL, ["--kubeconfig", server.kubeconfig!, "--cache-dir", join(dir, "cache"), ...args], { timeout: 30_000 });
}

test("kubectl create, get and delete go through the pipeline to storage", { skip }, async () => {
  const manifest = join(dir, "nb.yaml");
  writeFileSync(manifest, "apiVersion: skai.io/v1alpha1\nkind: Notebook\nmetadata:\n  name: nb1\n  namespace: team-a\n");
  // The fixture OpenAPI has no operations, so client-side validation has nothing to go on.
  assert.match((await kubectl("create", "-f", manifest, "--validate=false")).stdout, /notebook\.skai\.io\/nb1 created/);
  const one = JSON.parse((await kubectl("get", "notebook", "nb1", "-n", "team-a", "-o", "json")).stdout);
  assert.equal(one.kind, "Notebook");
  assert.equal(one.metadata.namespace, "team-a");
  const all = (await kubectl("get", "nb", "-A")).stdout;
  assert.match(all, /^team-a\s+nb1\s+/m);
  assert.match((await kubectl("delete", "nb", "nb1", "-n", "team-a")).stdout, /notebook\.skai\.io "nb1" deleted/);
  await assert.rejects(kubectl("get", "nb", "nb1", "-n", "team-a"), (err: { stderr: string }) => {
    assert.match(err.stderr, /Error from server \(NotFound\): notebooks\.skai\.io "nb1" not found/);
    return true;
  });
});

test("readyz includes the storage check", async () => {
  const { stdout } = await kubectl("get", "--raw", "/readyz?verbose");
  assert.match(stdout, /\[\+\]storage ok/);
});
