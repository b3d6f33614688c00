/**
 * The NamespaceLifecycle plugin as kube-apiserver's
 * (plugin/pkg/admission/namespace/lifecycle/admission.go), fed by a watch of
 * namespaces in the real cluster: no create, update or subresource write in a
 * namespace that does not exist, and no create in one that is terminating.
 * Deletes always pass, so a terminating namespace can be emptied.
 */
import { errors, StatusError } from "../api/status.js";
import type { ClusterConnection } from "../cluster/connection.js";
import { Informer } from "../cluster/informer.js";
import { getNamespace, type Namespace } from "../cluster/reviews.js";
import { admissionForbidden } from "./errors.js";
import type { AdmissionAttributes, AdmissionPlugin } from "./types.js";

export interface NamespaceLifecycleOptions {
  /** The --kubeconfig connection. */
  connection: ClusterConnection;
  /** kube's missingNamespaceWait: a create right after its namespace gets 50 ms for the watch to catch up. */
  missingNamespaceWaitMs?: number;
  /** How long admission waits for the first list before refusing (kube: WaitForReady, 10 s). */
  readyTimeoutMs?: number;
  resyncMs?: number;
  onError?: (err: unknown) => void;
}

export interface NamespaceLifecyclePlugin extends AdmissionPlugin {
  /** Starts the namespace watch. */
  start(): this;
  stop(): void;
}

function namespaceNotFound(name: string): StatusError {
  const err = errors.notFound({ group: "", resource: "namespaces" }, name);
  // Go omits the empty group from StatusDetails.
  delete err.status.details!.group;
  return err;
}

export function createNamespaceLifecycle(options: NamespaceLifecycleOptions): NamespaceLifecyclePlugin {
  const informer = new Informer<Namespace>({
    connection: options.connection,
    path: "/api/v1/namespaces",
    resyncMs: options.resyncMs,
    onError: options.onError,
  });
  const wait = options.missingNamespaceWaitMs ?? 50;

  async function check(attrs: AdmissionAttributes): Promise<void> {
    // Cluster-scoped objects and deletes are always allowed.
    if (!attrs.namespace || attrs.operation === "DELETE") return;
    if (!(await informer.waitForSync(options.readyTimeoutMs ?? 10_000))) {
      throw admissionForbidden(attrs, new Error("not yet ready to handle request"));
    }
    let ns = informer.get(attrs.namespace);
    if (!ns && attrs.operation === "CREATE") {
      await new Promise((r) => setTimeout(r, wait));
      ns = informer.get(attrs.namespace);
    }
    if (!ns) {
      // As a last resort ask kube-apiserver directly: the watch may lag behind.
      let live: Namespace | null;
      try {
        live = await getNamespace(options.connection, attrs.namespace);
      } catch (err) {
        throw errors.internal(err);
      }
      if (!live) throw namespaceNotFound(attrs.namespace);
      ns = live;
    }
    if (attrs.operation === "CREATE" && ns.status?.phase === "Terminating") {
      const err = admissionForbidden(
        attrs,
        new Error(`unable to create new content in namespace ${attrs.namespace} because it is being terminated`),
      );
      err.status.details = {
        ...err.status.details,
        causes: [
          ...(err.status.details?.causes ?? []),
          { reason: "NamespaceTerminating", message: `namespace ${attrs.namespace} is being terminated`, field: "metadata.namespace" },
        ],
      };
      throw err;
    }
  }

  return {
    name: "NamespaceLifecycle",
    operations: ["CREATE", "UPDATE", "DELETE"],
    validate: check,
    start() {
      informer.start();
      return this;
    },
    stop: () => informer.stop(),
  };
}
