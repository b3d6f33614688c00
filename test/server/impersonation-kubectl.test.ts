// The real kubectl's --as / --as-group against a server started by runServer with the kubeconfig it
// writes (client-go sends Impersonate-User / Impersonate-Group, one line per group): the
// impersonated user is what authorization and admission see, and a refused impersonation reads
// as kube-apiserver's (k8s.io/apiserver pkg/endpoints/filters/impersonation/impersonation.go).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { promisify } from "node:util";
import { definePlugin } from "../../runtime/src/admission/index.js";
import type { RequestInfo, UserInfo } from "../../runtime/src/api/request.js";
import type { Decision } from "../../runtime/src/server/authorization.js";
import { createClientCertificate, ensureCertificates } from "../../runtime/src/server/certs.js";
import { writeKubeconfig } from "../../runtime/src/server/kubeconfig.js";
import { runServer, type RunningServer } from "../../runtime/src/server/run.js";
import { locate, requires } from "../support/requirements.js";
import { openapi, resources } from "./fixtures.js";
import { TEST_SERVER_NAMES } from "../support/server-names.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "skai-impersonation-"));

/** Who admission saw, per operation and object name. */
const admitted: Array<{ operation: string; name: string; user: UserInfo }> = [];
const authorized: Array<{ user: UserInfo; info: RequestInfo }> = [];
let decide: (user: UserInfo, info: RequestInfo) => Decision = () => ({ allowed: true });

const recordUser = definePlugin({
  name: "RecordUser",
  validate(a) {
    admitted.push({ operation: a.operation, name: a.name, user: a.user });
  },
});

describe("kubectl --as against our server", { timeout: 120_000, skip: requires("kubectl") }, () => {
  let server: RunningServer;
  /** A kubeconfig for carol (group devs, not system:masters), signed by the server's CA. */
  let carolKubeconfig: string;

  before(async () => {
    const started = await runServer(
      ["--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir, "certs")}`, `--kubeconfig-out=${join(dir, "kubeconfig")}`],
      resources,
      openapi,
      {
        names: TEST_SERVER_NAMES,
        out: () => {},
        handleSignals: false,
        admissionPlugins: [recordUser],
        server: {
          log: () => {},
          authorizer: (user, info) => {
            authorized.push({ user, info });
            return decide(user, info);
          },
        },
      },
    );
    assert.ok(started);
    server = started;
    const local = ensureCertificates(join(dir, "certs"));
    const carol = createClientCertificate(local.ca, "carol", ["devs"]);
    carolKubeconfig = join(dir, "carol.kubeconfig");
    writeKubeconfig(carolKubeconfig, { server: server.url, caPem: local.ca.certPem, clientCertPem: carol.certPem, clientKeyPem: carol.keyPem, user: "carol", name: "test" });
  });
  after(() => server?.close());
  beforeEach(() => {
    admitted.length = 0;
    authorized.length = 0;
    decide = () => ({ allowed: true });
  });

  /** kubectl with the written (admin, system:masters) kubeconfig, or another one. */
  async function kubectl(args: string[], kubeconfig = server.kubeconfig!) {
    const cache = mkdtempSync(join(dir, "cache-"));
    try {
      const { stdout, stderr } = await run(locate("kubectl")!, ["--kubeconfig", kubeconfig, "--cache-dir", cache, ...args], { timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  test("kubectl create --as=bob --as-group=g: admission and authorization see bob with kube's groups", async () => {
    const manifest = join(dir, "nb-bob.yaml");
    writeFileSync(manifest, "apiVersion: skai.io/v1alpha1\nkind: Notebook\nmetadata:\n  name: nb-bob\n  namespace: default\n");
    // The fixtures publish no schemas: skip client-side validation.
    const res = await kubectl(["create", "-f", manifest, "--validate=false", "--as=bob", "--as-group=g", "--as-group=h"]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /notebook\.skai\.io\/nb-bob created/);
    assert.deepEqual(admitted, [{ operation: "CREATE", name: "nb-bob", user: { name: "bob", groups: ["g", "h", "system:authenticated"] } }]);
    const create = authorized.filter((a) => a.info.verb === "create");
    assert.deepEqual(create.map((a) => a.user), [{ name: "bob", groups: ["g", "h", "system:authenticated"] }]);
    // The admin is system:masters: impersonating needs no authorizer call.
    assert.ok(!authorized.some((a) => a.info.verb === "impersonate"));
  });

  test("a non-masters user allowed to impersonate: one check per attribute, then the request as bob", async () => {
    const res = await kubectl(["get", "--raw", "/apis/skai.io/v1alpha1/namespaces/default/notebooks", "--as=bob", "--as-group=g"], carolKubeconfig);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(JSON.parse(res.stdout).kind, "NotebookList");
    // kubectl asks /version first; each request is checked on its own, then runs as bob.
    const impersonation = [
      ["carol", "impersonate", "users", "bob"],
      ["carol", "impersonate", "groups", "g"],
    ];
    assert.deepEqual(
      authorized.map((a) => [a.user.name, a.info.verb, a.info.resource || a.info.path, a.info.name || undefined].filter((x) => x !== undefined)),
      [...impersonation, ["bob", "get", "/version"], ...impersonation, ["bob", "list", "notebooks"]],
    );
    assert.deepEqual(authorized.at(-1)!.user, { name: "bob", groups: ["g", "system:authenticated"] });
  });

  test("a refused impersonation: kubectl prints kube-apiserver's Forbidden", async () => {
    decide = (_user, info) => ({ allowed: info.verb !== "impersonate" });
    const res = await kubectl(["get", "--raw", "/apis/skai.io/v1alpha1/namespaces/default/notebooks", "--as=bob"], carolKubeconfig);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /Error from server \(Forbidden\): users "bob" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the cluster scope/);
  });
});
