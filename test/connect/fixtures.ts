/**
 * A SKAI server in delegated mode (runServer, in process) in front of the
 * stand-in kube-apiserver, with Notebooks proxied to their pod and
 * TrainingJobs served by a user provider; helpers to call it as a user the
 * way kube-aggregator does (front-proxy certificate plus X-Remote-User).
 */
import https from "node:https";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdmissionPlugin } from "../../runtime/src/admission/types.js";
import type { ResourceDefinition } from "../../runtime/src/api/resource.js";
import type { ConnectProviders } from "../../runtime/src/connect/index.js";
import { mergeLines } from "../../runtime/src/connect/index.js";
import { dialExec, type ExecConnection, type ExecStreamsWanted } from "@skai-gen/client/connect";
import { runServer, type RunningServer } from "../../runtime/src/server/run.js";
import { aggregatorRequest, FakeKubeApiServer, type SimpleResponse } from "../support/fake-kube-apiserver.js";
import { TEST_SERVER_NAMES } from "../support/server-names.js";

const run = promisify(execFile);

function definition(partial: Partial<ResourceDefinition> & Pick<ResourceDefinition, "kind" | "plural" | "singular" | "subresources">): ResourceDefinition {
  return {
    group: "skai.io",
    version: "v1alpha1",
    listKind: `${partial.kind}List`,
    namespaced: true,
    shortNames: [],
    categories: [],
    printColumns: [],
    selectableFields: [],
    schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    applyDefaults() {},
    validate: () => [],
    ...partial,
  };
}

/** `@subresource log podName=.status.podName` and the same for exec. */
export const notebooks = definition({
  kind: "Notebook",
  plural: "notebooks",
  singular: "notebook",
  subresources: { status: false, log: true, exec: true, custom: [], pods: { log: { podName: ".status.podName" }, exec: { podName: ".status.podName" } } },
});

/** `@subresource log` served by the user provider below. */
export const trainingJobs = definition({
  kind: "TrainingJob",
  plural: "trainingjobs",
  singular: "trainingjob",
  subresources: { status: false, log: true, exec: false, custom: [] },
});

/** Declared but served by nothing: 404 with a hint. */
export const datasets = definition({ kind: "Dataset", plural: "datasets", singular: "dataset", subresources: { status: false, log: true, exec: false, custom: [] } });

/** The same provider as SKAI's apiserver/src/connect.ts, against this runtime's sources. */
export const providers: ConnectProviders = {
  TrainingJob: {
    async log(ctx, opts) {
      const selector = (ctx.object as { status?: { selector?: string } }).status?.selector ?? "";
      const pods = await ctx.pods.list(ctx.namespace, selector, ctx.signal);
      const sources = await Promise.all(pods.map(async (p) => ({ prefix: `[${p.metadata.name}] `, stream: await ctx.pods.log(ctx.namespace, p.metadata.name, opts, ctx.signal) })));
      return mergeLines(sources);
    },
  },
};

export const openapi = {
  v2: { swagger: "2.0", info: { title: "skai", version: "v1alpha1" }, paths: {} },
  v3: { "apis/skai.io/v1alpha1": { openapi: "3.0.0", info: { title: "skai", version: "v1alpha1" }, paths: {}, components: { schemas: {} } } },
};

export interface Env {
  kube: FakeKubeApiServer;
  server: RunningServer;
  ca: string;
  dir: string;
  /** A request as the aggregator sends it for `user`. */
  as(user: string, path: string, method?: string, body?: unknown): Promise<SimpleResponse>;
  /** A streaming GET as `user`: the response, to read and destroy. */
  stream(user: string, path: string): Promise<import("node:http").IncomingMessage>;
  /** Exec over WebSocket as `user`. */
  exec(user: string, path: string, wanted: ExecStreamsWanted, protocols?: string[]): Promise<ExecConnection>;
  /** A kubeconfig for kubectl as `user` (x509 from the cluster's client CA). */
  kubeconfigFor(user: string): string;
  close(): Promise<void>;
}

export interface EnvOptions {
  /** User admission plugins, as a project's main passes them to serve(). */
  admissionPlugins?: AdmissionPlugin[];
}

/** Users named "mallory" are denied everything; everyone else may do anything. */
export async function startEnv(options: EnvOptions = {}): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), "skai-connect-"));
  const kube = await new FakeKubeApiServer().start();
  kube.setNamespace("ml");
  kube.authorize = (spec) => (spec.user === "mallory" ? { allowed: false, reason: "RBAC: no binding" } : { allowed: true });
  const printed: string[] = [];
  const server = await runServer(
    [`--kubeconfig=${kube.kubeconfigPath()}`, "--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir, "certs")}`, `--kubeconfig-out=${join(dir, "kc")}`],
    [notebooks, trainingJobs, datasets],
    openapi,
    { names: TEST_SERVER_NAMES, out: (l) => printed.push(l), handleSignals: false, connect: { "skai.io/v1alpha1": providers }, admissionPlugins: options.admissionPlugins, server: { log: () => {} } },
  );
  if (!server) throw new Error(printed.join("\n"));
  const ca = readFileSync(join(dir, "certs", "ca.crt"), "utf8");
  const identity = (user: string) => ({ "X-Remote-User": user, "X-Remote-Group": "devs" });
  return {
    kube,
    server,
    ca,
    dir,
    as: (user, path, method = "GET", body) => aggregatorRequest({ port: server.port, ca, path, method, user, groups: ["devs"], clientCert: kube.frontProxyClient, body }),
    stream: (user, path) =>
      new Promise((resolve, reject) => {
        const req = https.request(
          { host: "127.0.0.1", port: server.port, path, ca, cert: kube.frontProxyClient.certPem, key: kube.frontProxyClient.keyPem, headers: identity(user), agent: false },
          resolve,
        );
        req.on("error", reject);
        req.end();
      }),
    exec: (user, path, wanted) =>
      dialExec({ url: `wss://127.0.0.1:${server.port}${path}`, ca, cert: kube.frontProxyClient.certPem, key: kube.frontProxyClient.keyPem, headers: identity(user) }, wanted),
    kubeconfigFor(user) {
      const cert = kube.newClientCertificate(user, ["devs"]);
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      const path = join(dir, `kubeconfig-${user}`);
      writeFileSync(
        path,
        [
          "apiVersion: v1",
          "kind: Config",
          "clusters:",
          "- name: skai",
          `  cluster: {server: "${server.url}", certificate-authority-data: ${b64(ca)}}`,
          "users:",
          `- name: ${user}`,
          `  user: {client-certificate-data: ${b64(cert.certPem)}, client-key-data: ${b64(cert.keyPem)}}`,
          "contexts:",
          `- name: skai`,
          `  context: {cluster: skai, user: ${user}, namespace: ml}`,
          "current-context: skai",
          "",
        ].join("\n"),
      );
      return path;
    },
    async close() {
      await server.close();
      await kube.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Reads from a stream until `pattern` matches the text so far. */
export function readUntil(stream: NodeJS.ReadableStream, pattern: RegExp, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(text)}`)), ms);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        stream.off("data", onData);
        resolve(text);
      }
    };
    stream.on("data", onData);
  });
}

export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A terminal for kubectl -it: a detached tmux session, `width` x `height`, running `command` with `env`. */
export interface Terminal {
  keys(text: string): Promise<void>;
  resize(width: number, height: number): Promise<void>;
  /** Waits until the screen matches `pattern`; returns the screen. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  kill(): Promise<void>;
}

export async function openTerminal(name: string, command: string, size: { width: number; height: number }, env: Record<string, string>): Promise<Terminal> {
  const session = `${name}-${process.pid}`;
  const tmux = (...args: string[]) => run("tmux", args, { encoding: "utf8" });
  const screen = async () => (await tmux("capture-pane", "-p", "-t", session)).stdout;
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  await tmux("new-session", "-d", "-s", session, "-x", String(size.width), "-y", String(size.height), "env", ...vars, "sh", "-c", command);
  return {
    keys: async (text) => void (await tmux("send-keys", "-t", session, text, "Enter")),
    async resize(width, height) {
      await tmux("resize-window", "-t", session, "-x", String(width), "-y", String(height));
      // the client notices SIGWINCH on its own time
      await new Promise((r) => setTimeout(r, 300));
    },
    async waitFor(pattern, ms = 15_000) {
      const end = Date.now() + ms;
      let text = "";
      while (Date.now() < end) {
        text = await screen();
        if (pattern.test(text)) return text;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`);
    },
    kill: async () => void (await tmux("kill-session", "-t", session).catch(() => {})),
  };
}
