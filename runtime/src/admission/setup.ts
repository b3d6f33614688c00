/**
 * The admission chain a server runs: the built-in plugins first (as kube
 * orders NamespaceLifecycle before the rest), then the user's from
 * `definitions/admission.ts`. Without a cluster (standalone mode) there are no
 * namespaces to check, so NamespaceLifecycle is left out.
 */
import type { ClusterConnection } from "../cluster/connection.js";
import { AdmissionChain } from "./chain.js";
import { createNamespaceLifecycle } from "./namespace-lifecycle.js";
import type { AdmissionPlugin } from "./types.js";

export interface AdmissionSetupOptions {
  /** The --kubeconfig connection (DelegatedAuth.cluster); null = standalone. */
  cluster: ClusterConnection | null;
  /** The generated package's `userAdmissionPlugins`. */
  plugins?: readonly AdmissionPlugin[];
  onError?: (err: unknown) => void;
}

export interface AdmissionSetup {
  chain: AdmissionChain;
  /** Stops the namespace watch. */
  close(): void;
}

export function createAdmission(options: AdmissionSetupOptions): AdmissionSetup {
  const lifecycle = options.cluster ? createNamespaceLifecycle({ connection: options.cluster, onError: options.onError }).start() : undefined;
  const chain = new AdmissionChain([...(lifecycle ? [lifecycle] : []), ...(options.plugins ?? [])]);
  return { chain, close: () => lifecycle?.stop() };
}
