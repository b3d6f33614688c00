/**
 * The names a generated server runs under. The runtime has no product of its
 * own: the generator fills these from the project's configuration and passes
 * them to runServer.
 */
export interface ServerNames {
  /** The server's command (its bin), shown in --help and in messages. */
  program: string;
  /** Folder of local state: certificates, the admin kubeconfig and, by default, the SQLite database. */
  stateDir: string;
  /** Default of --etcd-prefix. */
  etcdPrefix: string;
  /** Cluster and context name in the admin kubeconfig the server writes. */
  kubeconfigContext: string;
}

/** What the flags' defaults derive from. */
export type FlagDefaults = Pick<ServerNames, "stateDir" | "etcdPrefix">;

/** `<stateDir>/<file>` as the user wrote the state folder (no resolving: it is shown in --help). */
export function inStateDir(stateDir: string, file: string): string {
  return `${stateDir.replace(/\/+$/, "")}/${file}`;
}
