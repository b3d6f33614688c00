/**
 * exec over SPDY/3.1 with the real kubectl (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false: the
 * SPDY executor of client-go, protocol v4.channel.k8s.io), as kubelet serves it
 * (remotecommand httpstream.go): stdout, stderr, stdin and its end, a terminal and its
 * resizes, exit codes. kubectl execs only into pods, so a small front door plays
 * kube-apiserver: it answers discovery and the pod GET, and forwards pods/nb1/exec,
 * upgrade and all, to the Notebook's exec as the aggregator does (front-proxy
 * certificate, X-Remote-User).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { after, before, test } from "node:test";
import { aggregatorRequest } from "../support/fake-kube-apiserver.js";
import { requires } from "../support/requirements.js";
import { type Env, openTerminal, startEnv } from "./fixtures.js";

const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
const POD = "/api/v1/namespaces/ml/pods/nb1";
let env: Env;
let frontDoor: https.Server;
let kubeconfig: string;
/** The Upgrade header of every exec kubectl sent through the front door. */
const upgrades: string[] = [];

before(async () => {
  env = await startEnv();
  env.kube.pods.add("ml", "nb1-0", { containers: ["notebook"] });
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
  const cert = env.kube.newClientCertificate("127.0.0.1", []);
  // the discovery kubectl reads first, and the pod
  const answers: Record<string, object> = {
    "/api": { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] },
    "/apis": { kind: "APIGroupList", apiVersion: "v1", groups: [] },
    "/api/v1": {
      kind: "APIResourceList",
      groupVersion: "v1",
      resources: [
        { name: "pods", singularName: "pod", namespaced: true, kind: "Pod", verbs: ["get"] },
        { name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] },
      ],
    },
    [POD]: { apiVersion: "v1", kind: "Pod", metadata: { name: "nb1", namespace: "ml" }, spec: { containers: [{ name: "notebook" }] }, status: { phase: "Running" } },
  };
  frontDoor = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const answer = req.method === "GET" ? answers[req.url!.split("?")[0]] : undefined;
    res.statusCode = answer ? 200 : 404;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(answer ?? { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
  });
  frontDoor.on("upgrade", (req, socket: Duplex, head: Buffer) => {
    upgrades.push(String(req.headers.upgrade));
    const target = req.url!.replace(`${POD}/exec`, `${NB}/nb1/exec`);
    const upstream = tls.connect({ host: "127.0.0.1", port: env.server.port, ca: env.ca, cert: env.kube.frontProxyClient.certPem, key: env.kube.frontProxyClient.keyPem, servername: "localhost" }, () => {
      const headers = { ...req.headers, "x-remote-user": "alice", "x-remote-group": "devs" };
      upstream.write(`${req.method} ${target} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${String(v)}`).join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => frontDoor.listen(0, "127.0.0.1", resolve));
  kubeconfig = join(env.dir, "kubeconfig-front-door");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: kube, cluster: {server: "https://127.0.0.1:${(frontDoor.address() as AddressInfo).port}", insecure-skip-tls-verify: true}}]`,
      "users: [{name: alice, user: {token: unused}}]",
      "contexts: [{name: kube, context: {cluster: kube, user: alice, namespace: ml}}]",
      "current-context: kube",
      "",
    ].join("\n"),
  );
});
after(async () => {
  frontDoor?.close();
  await env?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectlExec(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      "kubectl",
      ["--kubeconfig", kubeconfig, "exec", ...args],
      { env: { ...process.env, KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" }, encoding: "utf8", timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

const skip = requires("kubectl");

test("kubectl over SPDY: stdout and exit 0, the backend ran the command in the pod's container", { skip }, async () => {
  const r = await kubectlExec(["nb1", "--", "echo", "hello", "spdy"]);
  assert.deepEqual(r, { code: 0, stdout: "hello spdy\n", stderr: "" });
  assert.deepEqual(upgrades.at(-1), "SPDY/3.1", "kubectl spoke SPDY");
  const rec = env.kube.pods.execRequests.at(-1)!;
  assert.deepEqual(rec.command, ["echo", "hello", "spdy"]);
  assert.equal(rec.container, "notebook");
});

test("kubectl over SPDY: stderr and a non-zero exit code become kubectl's", { skip }, async () => {
  const r = await kubectlExec(["nb1", "--", "fail", "3", "boom"]);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^boom\n/);
  assert.match(r.stderr, /command terminated with exit code 3/);
  assert.equal(r.code, 3);
});

test("kubectl over SPDY: stdin reaches the command and its end (FIN on the stdin stream) ends it", { skip }, async () => {
  const r = await kubectlExec(["-i", "nb1", "--", "cat"], "line one\nline two\n");
  assert.deepEqual(r, { code: 0, stdout: "line one\nline two\n", stderr: "" });
  assert.equal(env.kube.pods.execRequests.at(-1)!.stdin, true);
});

test("kubectl -it over SPDY: a terminal, its size and its changes on the resize stream, the exit code", { skip: requires("tmux", "kubectl") }, async () => {
  const cmd = `kubectl --kubeconfig ${kubeconfig} exec -it nb1 -- bash; echo "EXIT=$?"; sleep 60`;
  const term = await openTerminal("skai-spdy", cmd, { width: 120, height: 40 }, { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" });
  try {
    await term.waitFor(/^\$ ?$/m, 60_000);
    assert.equal(upgrades.at(-1), "SPDY/3.1");
    await term.keys("size");
    await term.waitFor(/^40 120$/m);
    await term.resize(100, 30);
    await term.keys("size");
    await term.waitFor(/^30 100$/m);
    await term.keys("exit 3");
    assert.match(await term.waitFor(/EXIT=3/), /command terminated with exit code 3/);
    const rec = env.kube.pods.execRequests.at(-1)!;
    assert.deepEqual([rec.command, rec.tty, rec.stdin], [["bash"], true, true]);
  } finally {
    await term.kill();
  }
});

test("SPDY handshake refusals come before the upgrade, as httpstream.Handshake answers them", async () => {
  const spdy = (headers: Record<string, string>) =>
    aggregatorRequest({ port: env.server.port, ca: env.ca, path: `${NB}/nb1/exec?command=echo&stdout=true`, method: "POST", user: "alice", groups: ["devs"], clientCert: env.kube.frontProxyClient, headers: { Connection: "Upgrade", Upgrade: "SPDY/3.1", ...headers } });
  const calls = env.kube.pods.execRequests.length;
  const none = await spdy({});
  assert.equal(none.status, 400);
  assert.match(none.body.message, /^unable to upgrade: header X-Stream-Protocol-Version/);
  const old = await spdy({ "X-Stream-Protocol-Version": "v3.channel.k8s.io, v2.channel.k8s.io" });
  assert.equal(old.status, 403);
  assert.equal(old.body.message, "unable to upgrade: unable to negotiate protocol: client supports [v3.channel.k8s.io v2.channel.k8s.io], server accepts [v4.channel.k8s.io]");
  assert.equal(env.kube.pods.execRequests.length, calls, "no pods/exec call");
});
