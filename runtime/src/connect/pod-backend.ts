/**
 * Pods through kube-apiserver, with the server's own identity (--kubeconfig or
 * the in-cluster service account): list by selector, pods/log as a byte
 * stream, pods/exec as a process. Providers reach the cluster only through
 * this, after the user was authorized for our subresource.
 */
import type { Readable } from "node:stream";
import { errors } from "../api/status.js";
import type { ClusterConnection } from "../cluster/connection.js";
import { dialExec, type ExecOptions, type ExecProcess, execQuery, type LogOptions, logQuery, statusErrorFrom } from "@skai-gen/client/connect";

/** The fields of a core/v1 Pod providers look at. */
export interface Pod {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp?: string };
  spec?: { containers?: Array<{ name: string }> };
  status?: { phase?: string };
}

function podPath(namespace: string, name?: string): string {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

export class PodBackend {
  constructor(private readonly cluster: ClusterConnection | null) {}

  private conn(): ClusterConnection {
    if (!this.cluster) throw errors.serviceUnavailable("this server has no connection to kube-apiserver (start it with --kubeconfig or in a cluster), so it cannot reach pods");
    return this.cluster;
  }

  /** Pods matching a label selector, sorted by name (so "the first pod" is stable). */
  async list(namespace: string, labelSelector: string, signal?: AbortSignal): Promise<Pod[]> {
    const res = await this.conn().request<{ items?: Pod[] }>("GET", `${podPath(namespace)}?labelSelector=${encodeURIComponent(labelSelector)}`, undefined, {
      signal,
      timeoutMs: 10_000,
    });
    if (res.status !== 200) throw statusErrorFrom(res.status, typeof res.body === "string" ? res.body : JSON.stringify(res.body));
    return (res.body.items ?? []).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  /** pods/log as bytes; a refusal (pod gone, bad container) is thrown as the Status kube-apiserver sent. */
  async log(namespace: string, pod: string, opts: LogOptions, signal?: AbortSignal): Promise<Readable> {
    const q = logQuery(opts).toString();
    const res = await this.conn().stream(`${podPath(namespace, pod)}/log${q ? `?${q}` : ""}`, { signal });
    if ((res.statusCode ?? 0) !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw statusErrorFrom(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"));
    }
    return res;
  }

  /** pods/exec over WebSocket (v5, else v4). */
  async exec(namespace: string, pod: string, opts: ExecOptions): Promise<ExecProcess> {
    const conn = this.conn();
    const { headers, agent } = await conn.dialOptions();
    const url = `${conn.server.replace(/^http/, "ws")}${podPath(namespace, pod)}/exec?${execQuery(opts)}`;
    return dialExec({ url, headers, agent }, opts);
  }
}
