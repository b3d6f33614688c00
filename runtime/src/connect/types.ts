/**
 * The contracts of connect subresources (`log`, `exec`): what a provider gets
 * (the parent object, the request's options, the cluster) and what it returns
 * (a byte stream; a running process). The same ExecProcess shape is what the
 * exec client hands back, so the built-in provider is the client pointed at
 * kube-apiserver's pods/exec.
 */
import type { ExecOptions, ExecProcess, LogOptions } from "@skai-gen/client/connect";
import type { UserInfo } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import type { ClusterConnection } from "../cluster/connection.js";
import type { KubeObject } from "../apimachinery/object.js";
import type { PodBackend } from "./pod-backend.js";

export type { ExecOptions, ExecProcess, LogOptions, TerminalSize } from "@skai-gen/client/connect";

/** What a provider learns about the request. */
export interface ConnectContext {
  /** The parent object, as stored. */
  object: KubeObject;
  def: ResourceDefinition;
  namespace: string;
  name: string;
  /** The user the request was authorized for (the backend is called with the server's identity). */
  user: UserInfo;
  /** Fires when the client goes away or the server shuts down. */
  signal: AbortSignal;
  /** kube-apiserver, when the server runs in a cluster (--kubeconfig or in-cluster). */
  cluster: ClusterConnection | null;
  /** Pods through kube-apiserver (list, log, exec); throws 503 when there is no cluster. */
  pods: PodBackend;
}

/** Byte or text chunks; a Node Readable is one. */
export type LogStream = AsyncIterable<Uint8Array | string>;

/**
 * Serves connect subresources of one kind. Both methods resolve once the
 * stream or process is ready: a rejection then is still an HTTP Status
 * (404 pod not found, 400 bad container), as kube answers before upgrading.
 */
export interface ConnectProvider {
  log?(ctx: ConnectContext, opts: LogOptions): Promise<LogStream>;
  exec?(ctx: ConnectContext, opts: ExecOptions): Promise<ExecProcess>;
}

/** A user module's export: providers by kind name, e.g. `{ TrainingJob: { log: mergedWorkerLogs } }`. */
export type ConnectProviders = Record<string, ConnectProvider>;

export type { PodTarget } from "../api/resource.js";
