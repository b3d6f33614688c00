/**
 * Issue 7's speed targets for connect subresources, against the stand-in
 * kube-apiserver (pods/log, pods/exec):
 * - a log stream at 10 MB/s from the backend through our server (a child
 *   process: auth, routing, object lookup, the pod proxy) vs a plain HTTPS
 *   pipe (another child process doing only `backend.pipe(res)`): the CPU each
 *   spends per second of stream, and our overhead in percent;
 * - one keystroke's round trip (1 byte to `cat` and back) through our exec
 *   subresource vs straight to pods/exec: the latency our server adds.
 */
import { type ChildProcess, spawn } from "node:child_process";
import https from "node:https";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dialExec, type ExecConnection } from "../client/src/connect/exec-client.js";
import { cpuSeconds, fmt } from "./support/procs.js";
import { aggregatorRequest, FakeKubeApiServer } from "../test/support/fake-kube-apiserver.js";

const RATE = 10 * 1024 * 1024;
const STREAM_MS = 5000;
const KEYSTROKES = 1000;
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "..");

/** Streams log lines at RATE bytes per second for STREAM_MS, then ends. */
function rateLog(req: IncomingMessage, res: ServerResponse): void {
  const line = Buffer.from("2026-11-25T23:00:00.000000000Z step=123456 loss=0.123456 lr=0.000100 throughput=1234.5 samples/s\n");
  const chunk = Buffer.concat(Array.from({ length: Math.ceil(16384 / line.length) }, () => line));
  res.writeHead(200, { "Content-Type": "text/plain" });
  const start = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const elapsed = performance.now() - start;
    if (elapsed > STREAM_MS) {
      clearInterval(timer);
      res.end();
      return;
    }
    while (sent < (RATE * elapsed) / 1000) {
      res.write(chunk);
      sent += chunk.length;
    }
  }, 2);
  req.on("close", () => clearInterval(timer));
}

function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /Serving on (https:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

/** Reads a follow stream to its end; returns bytes and the child's CPU seconds meanwhile. */
async function measureStream(pid: number, open: () => Promise<IncomingMessage>): Promise<{ bytes: number; cpu: number; seconds: number }> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const res = await open();
  if (res.statusCode !== 200) throw new Error(`log stream: ${res.statusCode}`);
  let bytes = 0;
  for await (const c of res) bytes += (c as Buffer).length;
  return { bytes, cpu: cpuSeconds(pid) - cpu0, seconds: (performance.now() - t0) / 1000 };
}

async function keystrokes(p: ExecConnection, n: number): Promise<number[]> {
  const times: number[] = [];
  const out = p.stdout!;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const echoed = new Promise<void>((resolve) => out.once("data", () => resolve()));
    p.stdin!.write("x");
    await echoed;
    times.push((performance.now() - t0) * 1000);
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;

export async function benchConnect(report: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "skai-bench-connect-"));
  const kube = await new FakeKubeApiServer().start();
  kube.setNamespace("ml");
  kube.authorize = () => ({ allowed: true });
  kube.pods.add("ml", "nb1-0");
  const handle = kube.pods.handle.bind(kube.pods);
  kube.pods.handle = (req, res, url) => (url.pathname.endsWith("/pods/nb1-0/log") ? (rateLog(req, res), true) : handle(req, res, url));
  const kubeconfig = kube.kubeconfigPath();
  const token = /token: (\S+)/.exec(readFileSync(kubeconfig, "utf8"))![1]!;
  const children: ChildProcess[] = [];
  try {
    const ours = await startChild([path.join(root, "bench/support/connect-server.ts"), kubeconfig, dir]);
    children.push(ours.child);
    const caFile = path.join(dir, "kube-ca.crt");
    (await import("node:fs")).writeFileSync(caFile, kube.servingCA.certPem);
    const pipe = await startChild([path.join(root, "bench/support/connect-pipe.ts"), kube.url, token, caFile, path.join(dir, "certs")]);
    children.push(pipe.child);
    const ca = readFileSync(path.join(dir, "certs", "ca.crt"), "utf8");
    const port = Number(new URL(ours.url).port);
    const created = await aggregatorRequest({
      port,
      ca,
      path: "/apis/skai.io/v1alpha1/namespaces/ml/notebooks",
      method: "POST",
      user: "alice",
      clientCert: kube.frontProxyClient,
      body: { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "nb1" }, spec: {}, status: { podName: "nb1-0" } },
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);

    // Exec: one byte to `cat`, wait for its echo.
    const query = "command=cat&stdin=true&stdout=true";
    const wanted = { stdin: true, stdout: true, stderr: false, tty: false };
    const direct = await dialExec({ url: `${kube.url.replace("https", "wss")}/api/v1/namespaces/ml/pods/nb1-0/exec?${query}`, ca: kube.servingCA.certPem, headers: { Authorization: `Bearer ${token}` } }, wanted);
    const proxied = await dialExec(
      { url: `${ours.url.replace("https", "wss")}/apis/skai.io/v1alpha1/namespaces/ml/notebooks/nb1/exec?${query}`, ca, cert: kube.frontProxyClient.certPem, key: kube.frontProxyClient.keyPem, headers: { "X-Remote-User": "alice" } },
      wanted,
    );
    await keystrokes(direct, 100);
    await keystrokes(proxied, 100);
    const d: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 5; i++) {
      d.push(...(await keystrokes(direct, KEYSTROKES / 5)));
      v.push(...(await keystrokes(proxied, KEYSTROKES / 5)));
    }
    direct.stdin!.end();
    proxied.stdin!.end();
    await Promise.all([direct.exit, proxied.exit]);
    report(
      `exec keystroke round trip (${KEYSTROKES} x 1 byte to cat): direct to pods/exec median ${fmt(median(d))} µs (p99 ${fmt(p99(d))}), through our exec median ${fmt(median(v))} µs (p99 ${fmt(p99(v))}): added ${fmt(median(v) - median(d))} µs median, ${fmt(p99(v) - p99(d))} µs p99 (target < 5 ms)`,
    );
    const get = (url: string, headers: Record<string, string>, cert?: { certPem: string; keyPem: string }) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = https.get(url, { ca, headers, cert: cert?.certPem, key: cert?.keyPem, agent: false }, resolve);
        req.on("error", reject);
      });
    const viaOurs = () => get(`${ours.url}/apis/skai.io/v1alpha1/namespaces/ml/notebooks/nb1/log?follow=true`, { "X-Remote-User": "alice" }, kube.frontProxyClient);
    const viaPipe = () => get(`${pipe.url}/api/v1/namespaces/ml/pods/nb1-0/log?follow=true`, {});
    // Warm both (JIT, TLS sessions, SubjectAccessReview cache), then measure alternately.
    await measureStream(ours.child.pid!, viaOurs);
    await measureStream(pipe.child.pid!, viaPipe);
    const oursCpu: number[] = [];
    const pipeCpu: number[] = [];
    for (let round = 0; round < 5; round++) {
      const o = await measureStream(ours.child.pid!, viaOurs);
      const p = await measureStream(pipe.child.pid!, viaPipe);
      oursCpu.push(o.cpu / o.seconds);
      pipeCpu.push(p.cpu / p.seconds);
      report(
        `  round ${round + 1}: ours ${fmt(o.bytes / o.seconds / 1e6, 1)} MB/s at ${fmt((o.cpu / o.seconds) * 100, 1)}% of a core; plain pipe ${fmt(p.bytes / p.seconds / 1e6, 1)} MB/s at ${fmt((p.cpu / p.seconds) * 100, 1)}% of a core`,
      );
    }
    const o = median(oursCpu);
    const p = median(pipeCpu);
    report(`log stream at ${fmt(RATE / 1048576)} MiB/s (median of 5 rounds): our server ${fmt(o * 100, 1)}% of a core vs plain pipe ${fmt(p * 100, 1)}%: CPU overhead ${fmt(((o - p) / p) * 100, 1)}% (target < 20%)`);

  } finally {
    for (const c of children) c.kill();
    await kube.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
