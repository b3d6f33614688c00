/**
 * Per-request overhead of the client over raw requests to the same URL, on a
 * static HTTPS endpoint with client-certificate auth (what the standalone
 * kubeconfig uses), so only client-side costs differ:
 *   raw https.request on a keep-alive agent (+ JSON.parse) vs ResourceClient.get,
 * over plain HTTP: raw fetch (+ res.json()) vs ResourceClient.get, and
 * against the generated server (child process): raw https.get vs the generated client's get.
 * Run: node --import tsx test/client/overhead.bench.ts [iterations]
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { ClientBase } from "../../client/src/index.js";
import { createCA, createClientCertificate, createServingCertificate } from "../../runtime/src/server/certs.js";
import { renderKubeconfig } from "../../runtime/src/server/kubeconfig.js";
import { SkaiClient } from "../../generated/src/client/index.js";
import { sample } from "./helpers/samples.js";
import { ServerProcess } from "./helpers/server.js";

const N = Number(process.argv[2] ?? 5000);
const body = JSON.stringify({
  apiVersion: "skai.io/v1alpha1",
  kind: "Notebook",
  metadata: { name: "x", namespace: "default", uid: "0f6c", resourceVersion: "12", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z", labels: { team: "ml" } },
  spec: { image: "jupyter/base:1", resources: { cpu: "1", memory: "2Gi", gpus: 1 }, idleTimeout: "1h", suspend: false },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True", reason: "Up", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
});
const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
};
const desc = { group: "skai.io", version: "v1alpha1", kind: "Notebook", listKind: "NotebookList", plural: "notebooks", namespaced: true, subresources: { status: true, scale: false, log: true } };
const path = "/apis/skai.io/v1alpha1/namespaces/default/notebooks/x";

/**
 * Interleaves rounds of the two contenders (the machine may be busy; interleaving spreads noise
 * evenly) and reports the median wall time and CPU time per request of each.
 */
async function compare(label: string, raw: () => Promise<unknown>, client: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 300; i++) await raw(), await client(); // warm-up: JIT and connections
  const results = { raw: { wall: [] as number[], cpu: [] as number[] }, client: { wall: [] as number[], cpu: [] as number[] } };
  for (let round = 0; round < 10; round++) {
    // Alternate who goes first, so GC debt or frequency changes left by one batch do not always hit the same side.
    const order = [["raw", raw], ["client", client]] as const;
    for (const [name, fn] of round % 2 ? [...order].reverse() : order) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) await fn();
      const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
      const c = process.cpuUsage(c0);
      results[name].wall.push(wall);
      results[name].cpu.push((c.user + c.system) / N);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const r = { wall: med(results.raw.wall), cpu: med(results.raw.cpu) };
  const k = { wall: med(results.client.wall), cpu: med(results.client.cpu) };
  console.log(`${label}: raw ${r.wall.toFixed(1)} µs wall / ${r.cpu.toFixed(1)} µs cpu; client ${k.wall.toFixed(1)} µs wall / ${k.cpu.toFixed(1)} µs cpu`);
  console.log(`  overhead: wall ${(((k.wall - r.wall) / r.wall) * 100).toFixed(1)}%, cpu ${(((k.cpu - r.cpu) / r.cpu) * 100).toFixed(1)}% (client and server share this process's CPU)`);
}

// HTTPS with client certificates.
const ca = createCA();
const serving = createServingCertificate(ca, ["127.0.0.1"]);
const admin = createClientCertificate(ca, "admin", ["system:masters"]);
const tlsServer = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true }, handler);
tlsServer.keepAliveTimeout = 60_000;
await new Promise<void>((r) => tlsServer.listen(0, "127.0.0.1", () => r()));
const tlsPort = (tlsServer.address() as AddressInfo).port;
const kc = new KubeConfig();
kc.loadFromString(renderKubeconfig({ name: "bench", server: `https://127.0.0.1:${tlsPort}`, caPem: ca.certPem, clientCertPem: admin.certPem, clientKeyPem: admin.keyPem }));
const agent = new https.Agent({ keepAlive: true, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem });
const rawHttps = () =>
  new Promise((resolve, reject) => {
    https
      .get({ host: "127.0.0.1", port: tlsPort, path, agent, headers: { accept: "application/json" } }, (res) => {
        res.setEncoding("utf8");
        let s = "";
        res.on("data", (c) => (s += c));
        res.on("end", () => resolve(JSON.parse(s)));
      })
      .on("error", reject);
  });
const tlsClient = new ClientBase({ kubeConfig: kc });
const nb = tlsClient.resource(desc, "default");
await compare("https GET, raw https.get + JSON.parse vs client.get", rawHttps, () => nb.get("x"));

// Plain HTTP, against raw fetch.
const plain = http.createServer(handler);
plain.keepAliveTimeout = 60_000;
await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
const port = (plain.address() as AddressInfo).port;
const kc2 = new KubeConfig();
kc2.loadFromOptions({
  clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
  users: [{ name: "u", token: "t" }],
  contexts: [{ name: "c", cluster: "c", user: "u" }],
  currentContext: "c",
});
const url = `http://127.0.0.1:${port}${path}`;
const plainClient = new ClientBase({ kubeConfig: kc2 });
await compare(
  "http GET, raw fetch + res.json() vs client.get",
  () => fetch(url, { headers: { authorization: "Bearer t" } }).then((r) => r.json()),
  () => plainClient.resource(desc, "default").get("x"),
);

tlsClient.close();
plainClient.close();
agent.destroy();
tlsServer.close();
plain.close();

// The real thing: the generated server, through its kubeconfig.
const server = await ServerProcess.start();
try {
  const skai = new SkaiClient(server.kubeconfig);
  await skai.skaiV1alpha1.notebooks("bench").create(sample("notebook", "x") as never);
  const user = skai.kubeConfig.getCurrentUser()!;
  const cluster = skai.kubeConfig.getCurrentCluster()!;
  const pem = (b64?: string) => Buffer.from(b64 ?? "", "base64").toString();
  const realAgent = new https.Agent({ keepAlive: true, ca: pem(cluster.caData), cert: pem(user.certData), key: pem(user.keyData) });
  const rawReal = () =>
    new Promise((resolve, reject) => {
      https
        .get({ host: "127.0.0.1", port: server.port, path: "/apis/skai.io/v1alpha1/namespaces/bench/notebooks/x", agent: realAgent, headers: { accept: "application/json" } }, (res) => {
          res.setEncoding("utf8");
          let s = "";
          res.on("data", (c) => (s += c));
          res.on("end", () => resolve(JSON.parse(s)));
        })
        .on("error", reject);
    });
  await compare("generated server GET, raw https.get vs SkaiClient get", rawReal, () => skai.skaiV1alpha1.notebooks("bench").get("x"));
  skai.close();
  realAgent.destroy();
} finally {
  await server.stop();
}
