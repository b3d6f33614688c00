/** Writes a kubeconfig that points kubectl at this server with client-certificate credentials. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface KubeconfigSpec {
  /** e.g. https://127.0.0.1:8443 */
  server: string;
  /** CA that signed the serving certificate; omitted when unknown. */
  caPem?: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** User entry name; default admin. */
  user?: string;
  /** Cluster and context name (the server's, e.g. `shop`). */
  name: string;
}

const b64 = (pem: string) => Buffer.from(pem).toString("base64");

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const user = spec.user ?? "admin";
  const name = spec.name;
  const lines = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    `- name: ${name}`,
    "  cluster:",
    `    server: ${spec.server}`,
    ...(spec.caPem ? [`    certificate-authority-data: ${b64(spec.caPem)}`] : []),
    "users:",
    `- name: ${user}`,
    "  user:",
    `    client-certificate-data: ${b64(spec.clientCertPem)}`,
    `    client-key-data: ${b64(spec.clientKeyPem)}`,
    "contexts:",
    `- name: ${name}`,
    "  context:",
    `    cluster: ${name}`,
    `    user: ${user}`,
    `current-context: ${name}`,
    "preferences: {}",
  ];
  return lines.join("\n") + "\n";
}

/** Writes the kubeconfig with mode 0600: it holds a private key. */
export function writeKubeconfig(path: string, spec: KubeconfigSpec): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderKubeconfig(spec), { mode: 0o600 });
}
