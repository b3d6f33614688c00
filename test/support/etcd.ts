/**
 * Real etcd for tests (Debian's etcd-server): a single member or a 3-member cluster on
 * free loopback ports, each member in its own temp dir; `stop()` kills and cleans up.
 * Members can be killed and restarted (same ports and data dir) for fault tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import https from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.js";

export const ETCD_BIN = process.env.ETCD_BIN || "etcd";

export interface EtcdMember {
  name: string;
  clientUrl: string;
  /** Runs `kill -9` on the member. */
  kill(): Promise<void>;
  /** Starts it again with the same ports and data. */
  restart(): Promise<void>;
  readonly running: boolean;
  /** The running process's id (for CPU figures in the bench); undefined while down. */
  readonly pid: number | undefined;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** `etcd://127.0.0.1:p1,127.0.0.1:p2,...` for `--storage`. */
  spec: string;
  clientUrls: string[];
  stop(): Promise<void>;
}


/** PEM files for a TLS member: serving cert/key, and the CA clients must be signed by. */
export interface EtcdTLS {
  certFile: string;
  keyFile: string;
  caFile: string;
  /** Client credentials (PEM text) for the health check. */
  client: { ca: string; cert: string; key: string };
}

let tlsClient: EtcdTLS["client"] | undefined;

async function healthy(url: string): Promise<boolean> {
  if (url.startsWith("https:")) {
    // fetch cannot present a client certificate: plain https with the test's client cert.
    return new Promise((resolve) => {
      const req = https.get(`${url}/health`, { ...tlsClient, timeout: 1000 }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(/"health":\s*"true"/.test(body)));
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
    });
  }
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return body.health === "true";
  } catch {
    return false;
  }
}

async function waitHealthy(urls: string[], ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await Promise.all(urls.map(healthy));
    if (ok.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`etcd not healthy within ${ms} ms:\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `size` members (1 or 3) and waits until all report healthy. */
export async function startEtcd(size = 1, opts: { tls?: EtcdTLS } = {}): Promise<EtcdCluster> {
  const scheme = opts.tls ? "https" : "http";
  if (opts.tls) tlsClient = opts.tls.client;
  // Client certificates required, as a production etcd is run.
  const tlsArgs = opts.tls
    ? ["--cert-file", opts.tls.certFile, "--key-file", opts.tls.keyFile, "--trusted-ca-file", opts.tls.caFile, "--client-cert-auth"]
    : [];
  const root = mkdtempSync(path.join(tmpdir(), "skai-etcd-"));
  const specs = [];
  for (let i = 0; i < size; i++) {
    specs.push({ name: `m${i}`, client: await freePort(), peer: await freePort(), dir: path.join(root, `m${i}`) });
  }
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peer}`).join(",");
  let log = "";
  const members: EtcdMember[] = specs.map((s) => {
    let child: ChildProcess | undefined;
    const clientUrl = `${scheme}://127.0.0.1:${s.client}`;
    const spawnIt = () => {
      child = spawn(
        ETCD_BIN,
        [
          "--name", s.name,
          "--data-dir", s.dir,
          "--listen-client-urls", clientUrl,
          "--advertise-client-urls", clientUrl,
          "--listen-peer-urls", `http://127.0.0.1:${s.peer}`,
          "--initial-advertise-peer-urls", `http://127.0.0.1:${s.peer}`,
          "--initial-cluster", initialCluster,
          "--initial-cluster-state", "new",
          "--initial-cluster-token", path.basename(root),
          // Fast elections keep the member-kill tests short.
          "--heartbeat-interval", "50",
          "--election-timeout", "500",
          "--log-level", "warn",
          ...tlsArgs,
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? "" } },
      );
      child.stdout!.on("data", (d) => (log += d));
      child.stderr!.on("data", (d) => (log += d));
      const c = child;
      c.on("exit", () => {
        if (child === c) child = undefined;
      });
    };
    spawnIt();
    return {
      name: s.name,
      clientUrl,
      get running() {
        return child !== undefined;
      },
      get pid() {
        return child?.pid;
      },
      async kill() {
        const c = child;
        if (!c) return;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGKILL");
        await exited;
      },
      async restart() {
        if (child) return;
        spawnIt();
      },
    };
  });
  const clientUrls = members.map((m) => m.clientUrl);
  try {
    await waitHealthy(clientUrls, 30_000, () => log);
  } catch (err) {
    for (const m of members) await m.kill();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  return {
    members,
    clientUrls,
    spec: "etcd://" + clientUrls.map((u) => u.replace(/^https?:\/\//, "")).join(","),
    async stop() {
      for (const m of members) await m.kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Waits until every running member reports healthy (after a restart). */
export async function waitClusterHealthy(c: EtcdCluster, ms = 30_000): Promise<void> {
  await waitHealthy(c.members.filter((m) => m.running).map((m) => m.clientUrl), ms, () => "");
}
