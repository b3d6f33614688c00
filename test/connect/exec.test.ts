/**
 * .../<name>/exec over WebSocket with the real channel protocol, proxied to
 * the stand-in kube-apiserver's pods/exec: stdin (with the v5 half-close),
 * stdout, stderr, resize, exit codes, v4 clients, refusals before upgrading.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { type Env, readUntil, startEnv } from "./fixtures.js";

let env: Env;
const NB = "/apis/skai.io/v1alpha1/namespaces/ml/notebooks";
const q = (cmd: string[], flags: string) => `${NB}/nb1/exec?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join("&")}&${flags}`;

before(async () => {
  env = await startEnv();
  env.kube.pods.add("ml", "nb1-0", { containers: ["notebook"] });
  const nb = await env.as("alice", NB, "POST", { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } });
  assert.equal(nb.status, 201, JSON.stringify(nb.body));
});
after(() => env?.close());

async function collect(s: NodeJS.ReadableStream | undefined): Promise<string> {
  let text = "";
  if (!s) return text;
  for await (const c of s) text += c;
  return text;
}

test("stdout and exit 0; the backend saw the same command with the server's identity", async () => {
  const p = await env.exec("alice", q(["echo", "hello", "world"], "stdout=true&stderr=true"), { stdin: false, stdout: true, stderr: true, tty: false });
  assert.equal(p.protocol, "v5.channel.k8s.io");
  const [out, code] = await Promise.all([collect(p.stdout), p.exit]);
  assert.equal(out, "hello world\n");
  assert.equal(code, 0);
  const rec = env.kube.pods.execRequests.at(-1)!;
  assert.deepEqual(rec.command, ["echo", "hello", "world"]);
  assert.equal(rec.protocol, "v5.channel.k8s.io");
  assert.equal(rec.container, "notebook");
  assert.deepEqual(env.kube.unauthenticatedCalls, []);
});

test("stdin flows to the command and the v5 close signal ends it", async () => {
  const p = await env.exec("alice", q(["cat"], "stdin=true&stdout=true&stderr=true"), { stdin: true, stdout: true, stderr: true, tty: false });
  p.stdin!.write("line one\n");
  assert.equal(await readUntil(p.stdout!, /line one\n/), "line one\n");
  p.stdin!.end("line two\n");
  const [rest, code] = await Promise.all([collect(p.stdout), p.exit]);
  assert.equal(rest, "line two\n");
  assert.equal(code, 0);
});

test("stderr and a non-zero exit code (NonZeroExitCode Status on the error channel)", async () => {
  const p = await env.exec("alice", q(["fail", "3", "boom"], "stdout=true&stderr=true"), { stdin: false, stdout: true, stderr: true, tty: false });
  const [out, err, code] = await Promise.all([collect(p.stdout), collect(p.stderr), p.exit]);
  assert.equal(out, "");
  assert.equal(err, "boom\n");
  assert.equal(code, 3);
});

test("tty with resize: the terminal size reaches the command", async () => {
  const p = await env.exec("alice", q(["stty", "size"], "stdin=true&stdout=true&tty=true"), { stdin: true, stdout: true, stderr: false, tty: true });
  assert.equal(p.stderr, undefined, "a terminal has no separate stderr");
  p.resize!({ Width: 132, Height: 43 });
  const [out, code] = await Promise.all([collect(p.stdout), p.exit]);
  assert.equal(out, "43 132\r\n");
  assert.equal(code, 0);
  assert.equal(env.kube.pods.execRequests.at(-1)!.tty, true);
});

test("an interactive shell: keystrokes, echo, resize mid-session and exit status", async () => {
  const p = await env.exec("alice", q(["sh"], "stdin=true&stdout=true&tty=true"), { stdin: true, stdout: true, stderr: false, tty: true });
  await readUntil(p.stdout!, /\$ $/);
  p.stdin!.write("echo hi\r");
  assert.match(await readUntil(p.stdout!, /hi\r\n\$ $/), /echo hi\r\nhi\r\n\$ $/);
  p.resize!({ Width: 100, Height: 30 });
  p.stdin!.write("size\r");
  assert.match(await readUntil(p.stdout!, /30 100\r\n/), /30 100/);
  p.stdin!.write("exit 7\r");
  assert.equal(await p.exit, 7);
});

test("a failure other than an exit code is the Status message", async () => {
  const p = await env.exec("alice", q(["nosuch"], "stdout=true"), { stdin: false, stdout: true, stderr: false, tty: false });
  await assert.rejects(p.exit, /executable file not found/);
});

test("a v4.channel.k8s.io client speaks the same channels (no close signal)", async () => {
  const ws = new WebSocket(`wss://127.0.0.1:${env.server.port}${q(["fail", "2", "v4 says"], "stdout=true&stderr=true")}`, ["v4.channel.k8s.io"], {
    ca: env.ca,
    cert: env.kube.frontProxyClient.certPem,
    key: env.kube.frontProxyClient.keyPem,
    headers: { "X-Remote-User": "alice" },
  });
  const frames: Array<[number, string]> = [];
  ws.on("message", (d: Buffer) => frames.push([d[0], d.subarray(1).toString()]));
  await new Promise((resolve) => ws.on("close", resolve));
  assert.equal(ws.protocol, "v4.channel.k8s.io");
  assert.deepEqual(frames[0], [2, "v4 says\n"]);
  const status = JSON.parse(frames.find(([ch]) => ch === 3)![1]);
  assert.equal(status.reason, "NonZeroExitCode");
  assert.deepEqual(status.details.causes, [{ reason: "ExitCode", message: "2" }]);
  assert.equal(env.kube.pods.execRequests.at(-1)!.protocol, "v5.channel.k8s.io", "the backend still gets the newest protocol");
});

test("refusals come before the upgrade: 403 without a backend call, 400 without a command or WebSocket", async () => {
  const calls = env.kube.pods.execRequests.length;
  await assert.rejects(env.exec("mallory", q(["sh"], "stdin=true&stdout=true&tty=true"), { stdin: true, stdout: true, stderr: false, tty: true }), (e: Error & { code?: number }) => {
    assert.equal(e.code, 403);
    assert.match(e.message, /User "mallory" cannot (get|create) resource "notebooks\/exec"|cannot .* "notebooks".*exec/);
    return true;
  });
  assert.equal(env.kube.pods.execRequests.length, calls, "no pods/exec call");
  const sar = [...env.kube.subjectAccessReviews].reverse().find((s) => s.user === "mallory");
  assert.equal(sar?.resourceAttributes?.subresource, "exec");
  await assert.rejects(env.exec("alice", `${NB}/nb1/exec?stdout=true`, { stdin: false, stdout: true, stderr: false, tty: false }), /you must specify at least 1 command/);
  const plain = await env.as("alice", q(["echo"], "stdout=true"));
  assert.equal(plain.status, 400);
  assert.equal(plain.body.message, "Upgrade request required");
  await assert.rejects(env.exec("alice", `${NB}/missing/exec?command=sh&stdout=true`, { stdin: false, stdout: true, stderr: false, tty: false }), (e: Error & { code?: number }) => e.code === 404);
});
