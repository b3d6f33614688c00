/**
 * The main of a generated server: flags -> certificates -> storage ->
 * createApiServer -> listen, then the admin kubeconfig and a hint on stdout.
 * SIGTERM/SIGINT close the server and the storage gracefully.
 */
import { createAdmission } from "../admission/setup.js";
import { pluginsFrom } from "../admission/chain.js";
import type { AdmissionPlugin } from "../admission/types.js";
import { readFileSync } from "node:fs";
import type { ResourceDefinition } from "../api/resource.js";
import { type ConnectProviders, createConnectHook } from "../connect/index.js";
import { createDelegatedAuth, delegatedAuthOptionsFromFlags, type DelegatedAuth } from "../auth/index.js";
import { openStorage } from "../storage/index.js";
import { Cacher } from "../storage/cacher/index.js";
import { runStorageCommand, serveBackups, STORAGE_COMMANDS, storageCommandsUsage } from "./backup.js";
import { ensureCertificates } from "./certs.js";
import { parseServerFlags, serverUsage, type ServerFlags } from "./flags.js";
import { type ApiServer, type ApiServerOptions, createApiServer } from "./apiserver.js";
import { writeKubeconfig } from "./kubeconfig.js";
import type { ServerNames } from "./names.js";
import { storageReadinessCheck } from "./storage-readiness.js";
import { onShutdownSignal } from "./serving-thread.js";
import type { OpenAPIDocuments } from "./openapi.js";

export interface RunningServer {
  port: number;
  url: string;
  /** Written only when the admin certificate is trusted (no --client-ca-file). */
  kubeconfig?: string;
  apiServer: ApiServer;
  close(): Promise<void>;
}

export interface RunOptions {
  /** The server's program name, state folder, default etcd prefix and kubeconfig context (from the generator's configuration). */
  names: ServerNames;
  out?: (line: string) => void;
  /** Install SIGTERM/SIGINT handlers (default true). */
  handleSignals?: boolean;
  /** Passed through to createApiServer (e.g. a resourceHandler or authorizer). */
  server?: Partial<ApiServerOptions>;
  /** The project's admission plugins (serve()'s `extensions.admission`); they run after the built-in ones. */
  admissionPlugins?: readonly AdmissionPlugin[];
  /** The project's log/exec providers by group-version then kind (serve()'s `extensions.connect`). */
  connect?: Record<string, ConnectProviders>;
  /** Per group, the conversion functions the schema needs and those the project passed (serve()'s `extensions.conversions`). */
  conversionFunctions?: readonly RequiredConversionFunctions[];
}

export interface RequiredConversionFunctions {
  group: string;
  /** What the project passed for the group. */
  functions: object | undefined;
  /** The functions the group's versions need (conversion-gen's names). */
  required: readonly string[];
}

/** The host clients should dial for a bind address: loopback for the wildcard addresses. */
function dialHost(bindAddress: string): string {
  if (bindAddress === "0.0.0.0" || bindAddress === "") return "127.0.0.1";
  if (bindAddress === "::") return "[::1]";
  return bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
}

export async function runServer(
  argv: string[],
  resources: ResourceDefinition[],
  openapi: OpenAPIDocuments,
  opts: RunOptions,
): Promise<RunningServer | undefined> {
  const { names } = opts;
  const out = opts.out ?? ((line: string) => console.log(line));
  // `backup <file>` / `restore <file>`: the SQLite store's commands (backup.ts), not a server.
  if ((STORAGE_COMMANDS as readonly string[]).includes(argv[0] ?? "")) return void (await runStorageCommand(argv, out, names));
  let flags: ServerFlags;
  try {
    flags = parseServerFlags(argv, names);
  } catch (err) {
    out(`Error: ${(err as Error).message}\n\n${serverUsage(names)}`);
    process.exitCode = 2;
    return undefined;
  }
  if (flags.help) {
    out(`${serverUsage(names)}\n\n${storageCommandsUsage(names.program)}`);
    return undefined;
  }
  // The project's own code: a run from TypeScript source (tsx) is not type-checked, so its shape is checked here.
  let plugins: AdmissionPlugin[];
  try {
    plugins = pluginsFrom(opts.admissionPlugins ?? [], "serve()'s extensions.admission");
  } catch (err) {
    out(`Error: ${(err as Error).message}`);
    process.exitCode = 1;
    return undefined;
  }
  const lacking = (opts.conversionFunctions ?? []).flatMap(({ group, functions, required }) => {
    const missing = required.filter((name) => typeof (functions as Record<string, unknown> | undefined)?.[name] !== "function");
    return missing.length ? [`Error: serve()'s extensions.conversions[${JSON.stringify(group)}] lacks ${missing.join(", ")} (docs/extensions.md)`] : [];
  });
  if (lacking.length) {
    for (const line of lacking) out(line);
    process.exitCode = 1;
    return undefined;
  }

  const local = ensureCertificates(flags.certDir, flags.tlsSANs);
  const cert = flags.tlsCertFile ? readFileSync(flags.tlsCertFile, "utf8") : local.serving.certPem;
  const key = flags.tlsPrivateKeyFile ? readFileSync(flags.tlsPrivateKeyFile, "utf8") : local.serving.keyPem;
  let clientCA: string | undefined = flags.clientCAFile ? readFileSync(flags.clientCAFile, "utf8") : local.ca.certPem;

  // Delegated mode: kube-apiserver vouches for users (front-proxy headers, its client CA, TokenReview)
  // and decides access (SubjectAccessReview); the local admin certificate means nothing there.
  let delegated: DelegatedAuth | undefined;
  if (flags.delegatedAuth) {
    try {
      delegated = await createDelegatedAuth({ ...delegatedAuthOptionsFromFlags(flags.authFlags), userAgent: names.program });
    } catch (err) {
      out(`Error: delegated authentication: ${(err as Error).message}`);
      process.exitCode = 1;
      return undefined;
    }
    clientCA = delegated.clientCABundle() || undefined;
  }
  const auth = delegated;

  // NamespaceLifecycle when there is a cluster to ask about namespaces, then the user's plugins.
  const admission = createAdmission({ cluster: auth?.cluster ?? null, plugins, onError: (err) => out(`admission: ${(err as Error).message}`) });
  const backend = await openStorage(flags.storage, {
    etcd: { prefix: flags.etcdPrefix, tls: { caFile: flags.etcdCAFile, certFile: flags.etcdCertFile, keyFile: flags.etcdKeyFile } },
  });
  // --watch-cache: watches and lists from memory, as kube-apiserver's cacher; writes go through.
  const storage = flags.watchCache
    ? new Cacher(backend, {
        onError: (err) => out(`watch cache: ${(err as Error).message}`),
        // called once serving, when the metrics exist
        onWatcherTerminated: ({ group, resource }) => apiServer.metrics.observeTerminatedWatcher(group, resource),
      })
    : backend;
  const apiServer = createApiServer({
    resources,
    openapi,
    storage,
    tls: { cert, key, clientCA },
    ...(auth
      ? {
          authenticator: (req: import("node:http").IncomingMessage) => auth.authenticate(req),
          authorizer: (user, info, query) => auth.decide(user, info, query),
        }
      : {}),
    bindAddress: flags.bindAddress,
    port: flags.securePort,
    maxRequestsInFlight: flags.maxRequestsInflight,
    maxMutatingRequestsInFlight: flags.maxMutatingRequestsInflight,
    requestTimeoutMs: flags.requestTimeoutMs,
    // log/exec: user providers, else the pod proxy through kube-apiserver with the server's own identity.
    resourceHandlerOptions: {
      connect: createConnectHook({ providers: opts.connect, cluster: auth?.cluster ?? null }),
      admission: admission.chain,
    },
    healthChecks: [{ name: "storage", check: async () => void (await storage.currentRevision()) }],
    // Ready once every kind's watch cache holds its initial list (kube's poststarthook/storage-readiness).
    ...(storage instanceof Cacher ? { readinessChecks: [storageReadinessCheck(storage, resources)] } : {}),
    ...opts.server,
  });
  let port: number;
  try {
    ({ port } = await apiServer.listen());
  } catch (err) {
    auth?.close();
    admission.close();
    await storage.close();
    throw err;
  }
  const backups = await serveBackups(flags.storage, out);
  // The CAs the handshake advertises follow the extension-apiserver-authentication ConfigMap.
  auth?.onClientCAChange(() => apiServer.server.setSecureContext({ cert, key, ca: auth.clientCABundle() || undefined }));
  const url = `https://${dialHost(flags.bindAddress)}:${port}`;

  // Signal handlers go in before anything is printed: a supervisor may signal as soon as it sees "Serving on".
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await apiServer.close();
      await backups?.close();
      auth?.close();
      admission.close();
      await storage.close();
    })());

  if (opts.handleSignals ?? true) {
    const stopListening = onShutdownSignal((signal) => {
      out(`Received ${signal}, shutting down`);
      stopListening();
      void close();
    });
  }

  let kubeconfig: string | undefined;
  if (!flags.clientCAFile && !auth) {
    kubeconfig = flags.kubeconfigOut;
    writeKubeconfig(kubeconfig, {
      name: names.kubeconfigContext,
      server: url,
      // A user-supplied serving certificate's CA is unknown here; the local CA only vouches for the generated one.
      caPem: flags.tlsCertFile ? undefined : local.ca.certPem,
      clientCertPem: local.admin.certPem,
      clientKeyPem: local.admin.keyPem,
    });
  }

  out(`Serving on ${url} (storage ${flags.storage})`);
  if (kubeconfig) {
    // One line per kind to copy, each of them a working command against this server.
    const plurals = [...new Set(resources.map((r) => r.plural))];
    if (plurals.length === 0) out(`kubectl --kubeconfig ${kubeconfig} api-resources`);
    for (const plural of plurals) out(`kubectl --kubeconfig ${kubeconfig} get ${plural}`);
  } else if (auth) out("Delegated authentication: no admin kubeconfig was written; go through kube-apiserver.");
  else out("--client-ca-file is set: no admin kubeconfig was written; use a client certificate from that CA.");

  return { port, url, kubeconfig, apiServer, close };
}
