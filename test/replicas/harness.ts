/**
 * Several generated-server processes on one etcd (single member or a 3-member cluster),
 * each with its own temp dir and certificates, and an HTTPS agent per replica. Shared by
 * the replica and fault tests.
 */
import type https from "node:https";
import { startEtcd, type EtcdCluster } from "../support/etcd.js";
import { adminAgent, notebook, request, type Reply } from "../support/admin-http.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

export interface Replica {
  server: GeneratedServer;
  agent: https.Agent;
  /** Base URL of the Notebook collection in `ns`. */
  notebooks(ns: string): string;
  req(path: string, opts?: { method?: string; body?: unknown; headers?: Record<string, string>; deadlineMs?: number }): Promise<Reply>;
}

export interface ReplicaSet {
  etcd: EtcdCluster;
  replicas: Replica[];
  stop(): Promise<void>;
}

export function replica(server: GeneratedServer): Replica {
  const agent = adminAgent(server.dir);
  return {
    server,
    agent,
    notebooks: (ns) => `/apis/skai.io/v1alpha1/namespaces/${ns}/notebooks`,
    req: (path, opts = {}) =>
      request(server.url + path, {
        agent,
        method: opts.method,
        body: opts.body as object | undefined,
        headers: opts.headers,
        deadlineMs: opts.deadlineMs ?? 20_000,
      }),
  };
}

/** Starts etcd with `members` members and `count` replicas on it. */
export async function startReplicas(count: number, members = 1, extraArgs: string[] = []): Promise<ReplicaSet> {
  const etcd = await startEtcd(members);
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < count; i++) replicas.push(replica(await startGeneratedServer({ storage: etcd.spec, extraArgs })));
  } catch (err) {
    for (const r of replicas) await r.server.stop({ cleanup: true });
    await etcd.stop();
    throw err;
  }
  return {
    etcd,
    replicas,
    async stop() {
      for (const r of replicas) {
        r.agent.destroy();
        await r.server.stop({ cleanup: true });
      }
      await etcd.stop();
    },
  };
}

export { notebook };
