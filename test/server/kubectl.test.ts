/**
 * The judge: the real kubectl against a server started by runServer, with the
 * kubeconfig it writes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runServer, type RunningServer } from "../../runtime/src/server/run.js";
import { echoHandler, openapi, resources } from "./fixtures.js";
import { requires } from "../support/requirements.js";
import { TEST_SERVER_NAMES } from "../support/server-names.js";

const KUBECTL = "kubectl";
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "skai-kubectl-"));
let server: RunningServer;
const printed: string[] = [];

before(async () => {
  const started = await runServer(
    ["--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir, "certs")}`, `--kubeconfig-out=${join(dir, "kubeconfig")}`],
    resources,
    openapi,
    { names: TEST_SERVER_NAMES, out: (l) => printed.push(l), handleSignals: false, server: { resourceHandler: echoHandler, log: () => {} } },
  );
  assert.ok(started);
  server = started;
});
after(() => server?.close());

/** Each call gets a fresh cache so discovery really goes over the wire. */
async function kubectl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const cache = mkdtempSync(join(dir, "cache-"));
  return run(KUBECTL, ["--kubeconfig", server.kubeconfig!, "--cache-dir", cache, ...args], { timeout: 30_000 });
}

test("runServer writes the kubeconfig and prints how to use it", () => {
  assert.ok(existsSync(join(dir, "kubeconfig")));
  assert.ok(printed.includes(`kubectl --kubeconfig ${join(dir, "kubeconfig")} get notebooks`), printed.join("\n"));
});

test("kubectl api-resources lists our kinds from aggregated discovery", { skip: requires("kubectl") }, async () => {
  const { stdout, stderr } = await kubectl("api-resources", "-v=6");
  const lines = stdout.trim().split("\n");
  assert.match(lines[0], /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
  assert.match(stdout, /^notebooks\s+nb\s+skai\.io\/v1alpha1\s+true\s+Notebook$/m);
  assert.match(stdout, /^trainingjobs\s+tj\s+skai\.io\/v1alpha1\s+true\s+TrainingJob$/m);
  assert.match(stdout, /^clusterqueues\s+skai\.io\/v1alpha1\s+false\s+ClusterQueue$/m);
  // Aggregated discovery on /api and /apis means no per-group-version round trips.
  assert.match(stderr, /GET https:\/\/127\.0\.0\.1:\d+\/apis\?timeout=32s 200 OK/);
  assert.doesNotMatch(stderr, /\/apis\/skai\.io\/v1alpha1\?timeout/);
});

test("kubectl api-resources by category and api-versions", { skip: requires("kubectl") }, async () => {
  const { stdout } = await kubectl("api-resources", "--categories=skai", "-o", "name");
  assert.equal(stdout.trim(), "notebooks.skai.io");
  const versions = await kubectl("api-versions");
  assert.equal(versions.stdout.trim(), "skai.io/v1alpha1");
});

test("kubectl get --raw /version and /apis", { skip: requires("kubectl") }, async () => {
  const version = JSON.parse((await kubectl("get", "--raw", "/version")).stdout);
  assert.equal(version.major, "1");
  assert.equal(version.minor, "32");
  const apis = JSON.parse((await kubectl("get", "--raw", "/apis")).stdout);
  assert.equal(apis.kind, "APIGroupList");
  assert.equal(apis.groups[0].name, "skai.io");
  const health = await kubectl("get", "--raw", "/readyz?verbose");
  assert.match(health.stdout, /readyz check passed/);
});

test("kubectl version shows the server version without skew warnings", { skip: requires("kubectl") }, async () => {
  const { stdout, stderr } = await kubectl("version");
  assert.match(stdout, /Server Version: v1\.32\.0\+skai-gen\./);
  assert.doesNotMatch(stdout + stderr, /WARNING/);
});

test("kubectl reports an unknown raw path as NotFound", { skip: requires("kubectl") }, async () => {
  await assert.rejects(kubectl("get", "--raw", "/apis/skai.io/v1alpha1/namespaces/default/widgets"), (err: { stderr: string }) => {
    assert.match(err.stderr, /Error from server \(NotFound\): the server could not find the requested resource/);
    return true;
  });
});
