/**
 * Issue 4's speed target: the GET benchmark of bench/server.ts through the
 * front-proxy path (the aggregator's client certificate + X-Remote-* headers,
 * delegated authorization by SubjectAccessReview against the stand-in
 * kube-apiserver, cache warm) vs the standalone path (a client certificate
 * from the local CA, allow-all), both on the built generated server with
 * SQLite, same load generator in its own process, same connections, as user
 * alice (not system:masters, so the delegated path really consults its cache).
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { INFORMER_RESYNC_MS } from "../runtime/src/cluster/informer.js";
import { createClientCertificate } from "../runtime/src/server/certs.js";
import { notebook, request } from "../test/support/admin-http.js";
import { callgrindMissing, countInstructions } from "./support/instructions.js";
import { fmt, loadWithServerCpu, runLoadProcess } from "./support/procs.js";
import { FakeKubeApiServer } from "../test/support/fake-kube-apiserver.js";
import { startGeneratedServer, type GeneratedServer } from "../test/support/generated-server.js";

const OBJ = "/apis/skai.io/v1alpha1/namespaces/get/notebooks/one";

/** Requests per counted round, and uncounted rounds before it (V8 compiles the path meanwhile). */
const COUNTED = 3000;
const WARMUP_ROUNDS = 10;
/**
 * Uncounted rounds go on until the server has run this long: past the informers' first list
 * again (authentication ConfigMap, namespaces), after which V8 optimises Node's stream code
 * anew, so that neither falls in the counted round.
 */
const MIN_WARMUP_MS = INFORMER_RESYNC_MS + 10_000;

/**
 * The same GET as instructions per request, each server under callgrind (both at once: a count
 * does not depend on what else runs). Standalone as alice with her certificate, front-proxy
 * with the aggregator's certificate and alice in the headers, as in the timed rounds.
 */
async function instructionsLine(kube: FakeKubeApiServer): Promise<string> {
  const missing = callgrindMissing();
  if (missing) return `  instructions per request: not measured, ${missing}`;
  const count = (delegated: boolean) =>
    countInstructions(
      delegated ? "front-proxy" : "standalone",
      (wrapper) =>
        startGeneratedServer({
          wrapper,
          // Under callgrind a request takes some 50 times as long: with the default 10 s, cached
          // answers would expire 50 times as often per request as in the timed rounds.
          extraArgs: delegated ? [`--kubeconfig=${kube.kubeconfigPath()}`, "--authorization-webhook-cache-authorized-ttl=1h"] : [],
        }),
      async (server) => {
        const certs = path.join(server.dir, "certs");
        const ca = readFileSync(path.join(certs, "ca.crt"), "utf8");
        let creds = credsOf.get(server);
        if (!creds) {
          // Standalone: alice's certificate from this server's own CA.
          const alice = delegated ? undefined : createClientCertificate({ certPem: ca, keyPem: readFileSync(path.join(certs, "ca.key"), "utf8") }, "alice", ["skai-users"]);
          creds = alice ? { ca, cert: alice.certPem, key: alice.keyPem } : { ca, cert: kube.frontProxyClient.certPem, key: kube.frontProxyClient.keyPem };
          credsOf.set(server, creds);
        }
        const headers: Record<string, string> = delegated ? { "X-Remote-User": "alice", "X-Remote-Group": "skai-users" } : {};
        if (!created.has(server)) {
          const agent = new https.Agent({ keepAlive: true, ...creds });
          const r = await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/get/notebooks`, { method: "POST", body: notebook("one", "get"), agent, headers });
          agent.destroy();
          if (r.status !== 201) throw new Error(`create under callgrind: ${r.status} ${r.text}`);
          created.add(server);
        }
        const r = await runLoadProcess({ host: "127.0.0.1", port: server.port, ...creds, connections: 4, warmupMs: 0, durationMs: 600_000, maxRequests: COUNTED, method: "GET", path: OBJ, headers });
        if (Object.keys(r.statuses).some((c) => c !== "200")) throw new Error(`GET statuses under callgrind ${JSON.stringify(r.statuses)}`);
        return r.totalRequests;
      },
      WARMUP_ROUNDS,
      MIN_WARMUP_MS,
    );
  const created = new Set<GeneratedServer>();
  const credsOf = new Map<GeneratedServer, { ca: string; cert: string; key: string }>();
  try {
    const [standalone, proxied] = await Promise.all([count(false), count(true)]);
    return (
      `  instructions per request (callgrind, ${fmt(standalone.requests)} GETs after ${fmt(Math.min(standalone.warmupRequests, proxied.warmupRequests))}+ uncounted over ${fmt(MIN_WARMUP_MS / 1000)}+ s; repeatable where time is not): ` +
      `standalone ${fmt(standalone.perRequest)} vs front-proxy ${fmt(proxied.perRequest)} = ${fmt(proxied.perRequest / standalone.perRequest, 3)}x ` +
      `(V8's collector and compiler apart: ${fmt(standalone.gcAndCompilerPerRequest)} and ${fmt(proxied.gcAndCompilerPerRequest)})`
    );
  } catch (err) {
    return `  instructions per request: not measured: ${(err as Error).message.split("\n")[0]}`;
  }
}

export async function benchAuth(report: (line: string) => void): Promise<void> {
  const kube = await new FakeKubeApiServer().start();
  kube.authorize = (spec) => ({ allowed: spec.user === "alice" });
  kube.setNamespace("get");
  let standalone: GeneratedServer | undefined;
  let delegated: GeneratedServer | undefined;
  try {
    standalone = await startGeneratedServer();
    delegated = await startGeneratedServer({ extraArgs: [`--kubeconfig=${kube.kubeconfigPath()}`] });

    // Standalone: alice's certificate from the local CA.
    const sCerts = path.join(standalone.dir, "certs");
    const localCA = { certPem: readFileSync(path.join(sCerts, "ca.crt"), "utf8"), keyPem: readFileSync(path.join(sCerts, "ca.key"), "utf8") };
    const alice = createClientCertificate(localCA, "alice", ["skai-users"]);
    const sCreds = { ca: localCA.certPem, cert: alice.certPem, key: alice.keyPem };
    // Delegated: the aggregator's front-proxy certificate, alice in the headers.
    const dCA = readFileSync(path.join(delegated.dir, "certs", "ca.crt"), "utf8");
    const dCreds = { ca: dCA, cert: kube.frontProxyClient.certPem, key: kube.frontProxyClient.keyPem };
    const asAlice = { "X-Remote-User": "alice", "X-Remote-Group": "skai-users" };

    for (const [server, creds, headers] of [
      [standalone, sCreds, {}],
      [delegated, dCreds, asAlice],
    ] as const) {
      const agent = new https.Agent({ keepAlive: true, ...creds });
      const r = await request(`${server.url}/apis/skai.io/v1alpha1/namespaces/get/notebooks`, { method: "POST", body: notebook("one", "get"), agent, headers });
      agent.destroy();
      if (r.status !== 201) throw new Error(`create on ${server.url}: ${r.status} ${r.text}`);
    }
    const sarsBefore = kube.subjectAccessReviews.length;

    const load = (server: GeneratedServer, creds: { ca: string; cert: string; key: string }, headers: Record<string, string>) =>
      loadWithServerCpu(server.child.pid!, { host: "127.0.0.1", port: server.port, ...creds, connections: 16, warmupMs: 800, durationMs: 3000, method: "GET", path: OBJ, headers });
    const direct: number[] = [];
    const proxied: number[] = [];
    const directCpu: number[] = [];
    const proxiedCpu: number[] = [];
    const directUser: number[] = [];
    const proxiedUser: number[] = [];
    const lines: string[] = [];
    for (let round = 0; round < 3; round++) {
      const s = await load(standalone, sCreds, {});
      const d = await load(delegated, dCreds, asAlice);
      for (const [what, r] of [["standalone", s], ["front-proxy", d]] as const) {
        if (Object.keys(r.statuses).some((c) => c !== "200")) throw new Error(`${what} GET statuses ${JSON.stringify(r.statuses)}`);
      }
      direct.push(s.rps);
      proxied.push(d.rps);
      directCpu.push(s.serverCpuUsPerRequest);
      proxiedCpu.push(d.serverCpuUsPerRequest);
      directUser.push(s.serverUserUsPerRequest);
      proxiedUser.push(d.serverUserUsPerRequest);
      lines.push(
        `  round ${round + 1}: standalone ${fmt(s.rps)} req/s (p50 ${fmt(s.p50us)} µs, server CPU ${fmt(s.serverCpuUsPerRequest)} µs/req, ${fmt(s.serverUserUsPerRequest)} in user space); front-proxy ${fmt(d.rps)} req/s (p50 ${fmt(d.p50us)} µs, server CPU ${fmt(d.serverCpuUsPerRequest)} µs/req, ${fmt(d.serverUserUsPerRequest)} in user space)`,
      );
    }
    // Cost ratio = time per request through the front-proxy path / standalone, from the best round of each.
    const cost = Math.max(...direct) / Math.max(...proxied);
    const perRound = direct.map((s, i) => s / proxied[i]!);
    report(
      `GET one object as alice, 16 connections: standalone ${fmt(Math.max(...direct))} req/s vs front-proxy + SubjectAccessReview cache ${fmt(Math.max(...proxied))} req/s: front-proxy costs ${fmt(cost, 3)}x per request (target <= 1.15x; per round ${perRound.map((x) => fmt(x, 2)).join(", ")})`,
    );
    const sc = Math.min(...directCpu);
    const pc = Math.min(...proxiedCpu);
    report(`  server CPU per request (best round; robust to a busy machine): standalone ${fmt(sc)} µs vs front-proxy ${fmt(pc)} µs = ${fmt(pc / sc, 3)}x`);
    // The kernel's share (the response's send, which on loopback also runs the client's receive
    // path and wakes it) grows when the client waits more: user space is what the server's code costs.
    const su = Math.min(...directUser);
    const pu = Math.min(...proxiedUser);
    report(`  of which in user space (best round): standalone ${fmt(su)} µs vs front-proxy ${fmt(pu)} µs = ${fmt(pu / su, 3)}x`);
    for (const l of lines) report(l);
    report(`  SubjectAccessReviews sent during the runs: ${kube.subjectAccessReviews.length - sarsBefore} (the cache answers the rest)`);
    report(await instructionsLine(kube));
  } finally {
    await standalone?.stop({ cleanup: true });
    await delegated?.stop({ cleanup: true });
    await kube.stop();
  }
}
