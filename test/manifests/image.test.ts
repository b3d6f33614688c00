/**
 * The image, tested without a container engine (none runs here): the build context
 * (`npm pack` of the client, the runtime, the generated package and SKAI's server
 * package, apiserver/, whose bin is the server: SKAI has a server.main; with the
 * generated Dockerfile and .dockerignore) holds every file the Dockerfile copies;
 * the Dockerfile's own production install (`npm install --omit=dev` of the tarballs,
 * IMAGE_INSTALL) is repeated in a temp dir; its entrypoint is the server bin; and the StatefulSet's
 * exact arguments and environment start the server from that install and serve
 * /readyz, on SQLite and, with the high-availability component, on a real etcd with
 * TLS client certificates. What stands in for the pod: each volume mount is a temp
 * folder (the Secret's keys written as files), the port is a free one, and
 * `--kubeconfig` to a stand-in kube-apiserver replaces the in-cluster service account.
 * The production install needs the npm registry and builds better-sqlite3: minutes.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { IMAGE_APP_DIR, IMAGE_INSTALL, imageEntrypoint } from "../../generator/src/emit/image.js";
import { ensureManifestCertificates } from "../../generator/src/commands/certificates.js";
import { certificateSubject, manifestNames, type ManifestCertificatesPem } from "../../generator/src/emit/manifests/view.js";
import { createCA, createClientCertificate, createServingCertificate } from "../../runtime/src/server/certs.js";
import { startEtcd, type EtcdCluster } from "../support/etcd.js";
import { freePort } from "../support/ports.js";
import { FakeKubeApiServer } from "../support/fake-kube-apiserver.js";
import { repoRoot } from "../support/generated-server.js";
import { requires } from "../support/requirements.js";
import { apiContext, byKind, cleanRenders, enable, render, serverStatefulSet, type K8sObject } from "./render.js";

const run = promisify(execFile);
const generatedPkg = JSON.parse(readFileSync(path.join(repoRoot, "generated/package.json"), "utf8"));
const packages = ["client", "runtime", "generated", "apiserver"].map((dir) => JSON.parse(readFileSync(path.join(repoRoot, dir, "package.json"), "utf8")));
const serverPkg = packages.at(-1);
const dockerfile = readFileSync(path.join(repoRoot, "generated/Dockerfile"), "utf8");

const temp: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  temp.push(d);
  return d;
};

/** Dockerfile instructions (continuation lines joined), by stage. */
function stages(text: string): { from: string; lines: string[] }[] {
  const logical = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const out: { from: string; lines: string[] }[] = [];
  for (const line of logical) {
    if (/^FROM /i.test(line)) out.push({ from: line, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

/** A glob of the Dockerfile's COPY / .dockerignore kind (`*` within one path segment). */
const globRe = (glob: string) => new RegExp(`^${glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`);

/** Whether .dockerignore lets `file` into the build context (the last matching pattern wins). */
function sentToBuild(file: string, dockerignore: string): boolean {
  let sent = true;
  for (const raw of dockerignore.split("\n").map((l) => l.trim())) {
    if (!raw || raw.startsWith("#")) continue;
    const negated = raw.startsWith("!");
    if (globRe(negated ? raw.slice(1) : raw).test(file)) sent = negated;
  }
  return sent;
}

let contextDir: string;
let appDir: string;
let kube: FakeKubeApiServer;
let certificates: ManifestCertificatesPem;

describe("the server image from the packed packages", { timeout: 20 * 60_000, skip: requires("kubectl", "npm-registry") }, () => {
  before(async () => {
    contextDir = tempDir("image-context-");
    await run("npm", ["pack", "--silent", ...packages.flatMap((p) => ["-w", p.name]), "--pack-destination", contextDir], { cwd: repoRoot, timeout: 5 * 60_000 });
    for (const f of ["Dockerfile", ".dockerignore"]) copyFileSync(path.join(repoRoot, "generated", f), path.join(contextDir, f));
    // The Dockerfile's install stage, as it runs there: WORKDIR, package.json, npm install of the tarballs.
    appDir = tempDir("image-app-");
    writeFileSync(path.join(appDir, "package.json"), JSON.stringify(IMAGE_INSTALL.packageJson));
    const tarballs = readdirSync(contextDir).filter((f) => f.endsWith(".tgz")).map((f) => path.join(contextDir, f));
    await run("npm", [...IMAGE_INSTALL.npmArgs, ...tarballs], { cwd: appDir, timeout: 15 * 60_000, maxBuffer: 64 << 20 });
    kube = await new FakeKubeApiServer().start();
    certificates = ensureManifestCertificates(tempDir("image-certs-"), certificateSubject((await apiContext()).names));
  });
  after(async () => {
    await kube?.stop();
    cleanRenders();
    for (const d of temp) rmSync(d, { recursive: true, force: true });
  });

  it("the install stage is the one checked here, and the context holds every file the Dockerfile copies", () => {
    const [install, final, ...more] = stages(dockerfile);
    assert.ok(install && final && more.length === 0, "two stages: install, then the runtime image");
    const run = install.lines.find((l) => l.startsWith("RUN echo"))!;
    assert.ok(run.includes(`'${JSON.stringify(IMAGE_INSTALL.packageJson)}' > package.json`), run);
    assert.ok(run.includes(`npm ${IMAGE_INSTALL.npmArgs.join(" ")} /packages/*.tgz`), run);
    const dockerignore = readFileSync(path.join(contextDir, ".dockerignore"), "utf8");
    const context = readdirSync(contextDir);
    for (const copy of [...install.lines, ...final.lines].filter((l) => /^COPY /i.test(l) && !/--from=/.test(l))) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const src of sources) {
        const matched = context.filter((f) => globRe(src).test(f) && sentToBuild(f, dockerignore));
        assert.ok(matched.length > 0, `COPY ${src}: nothing in the context`);
      }
    }
    // Exactly the packages enter the build; nothing else is sent.
    assert.deepEqual(context.filter((f) => sentToBuild(f, dockerignore)).sort(), context.filter((f) => f.endsWith(".tgz")).sort());
    assert.equal(context.filter((f) => f.endsWith(".tgz")).length, packages.length);
  });

  it("the final stage: production install copied, non-root as the manifests, the server bin as entrypoint", async () => {
    const final = stages(dockerfile)[1]!;
    assert.ok(final.lines.includes(`COPY --from=install ${IMAGE_APP_DIR} ${IMAGE_APP_DIR}`));
    const objs = await render();
    const pod = serverStatefulSet(objs).spec.template.spec;
    assert.ok(final.lines.includes(`USER ${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`), "the image's user is the manifests' user");
    assert.ok(final.lines.includes(`ENTRYPOINT ["${imageEntrypoint((await apiContext()).names.serverBin)}"]`));
    // The bin is SKAI's server package's (server.main), not the generated package's, and the install resolves it to its main.
    const { serverBin } = (await apiContext()).names;
    assert.equal(generatedPkg.bin?.[serverBin], undefined);
    assert.equal(serverPkg.bin[serverBin], "./dist/main.js");
    const bin = path.join(appDir, path.relative(IMAGE_APP_DIR, imageEntrypoint(serverBin)));
    assert.equal(realpathSync(bin), realpathSync(path.join(appDir, "node_modules", serverPkg.name, "dist/main.js")));
    // Production dependencies only.
    // (@types/node is left out: the runtime's @types/better-sqlite3, a production dependency, brings it.)
    const devOnly = packages.flatMap((p) => Object.keys(p.devDependencies ?? {})).filter((d) => d !== "@types/node");
    for (const dev of [...devOnly, "typescript", "tsx"]) {
      assert.ok(!existsSync(path.join(appDir, "node_modules", dev)), `${dev} is a dev dependency`);
    }
  });

  it("the StatefulSet's command line, from the production install, serves /readyz on SQLite", async () => {
    const objs = await render(certificates);
    const pod = await startPod(objs);
    try {
      await pod.ready();
      const names = manifestNames((await apiContext()).names);
      assert.ok(existsSync(path.join(pod.root, names.dataDir, "data.db")), "the database is on the claim's mount");
    } finally {
      await pod.stop();
    }
  });

  it("with the high-availability component: against a real etcd with TLS client certificates", { skip: requires("etcd") }, async () => {
    const pki = tempDir("image-etcd-pki-");
    const ca = createCA("etcd-ca");
    const serving = createServingCertificate(ca, ["127.0.0.1", "localhost"]);
    const client = createClientCertificate(ca, "apiserver", []);
    const file = (name: string, pem: string) => (writeFileSync(path.join(pki, name), pem), path.join(pki, name));
    const etcd: EtcdCluster = await startEtcd(1, {
      tls: { caFile: file("ca.crt", ca.certPem), certFile: file("server.crt", serving.certPem), keyFile: file("server.key", serving.keyPem), client: { ca: ca.certPem, cert: client.certPem, key: client.keyPem } },
    });
    try {
      const names = manifestNames((await apiContext()).names);
      const objs = await render(certificates, enable("high-availability"));
      // What the README asks of the user: the members in the ConfigMap, the client certificate in the Secret.
      byKind(objs, "ConfigMap").find((m) => m.metadata.name === names.etcdConfigMap)!.data.endpoints = etcd.clientUrls.map((u) => u.replace(/^https:\/\//, "")).join(",");
      const secret = { "ca.crt": ca.certPem, "tls.crt": client.certPem, "tls.key": client.keyPem };
      const b64 = (s: string) => Buffer.from(s).toString("base64");
      objs.push({ apiVersion: "v1", kind: "Secret", metadata: { name: names.etcdClientSecret }, data: Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, b64(v)])) });
      const pod = await startPod(objs);
      try {
        await pod.ready();
      } finally {
        await pod.stop();
      }
    } finally {
      await etcd.stop();
    }
  });
});

interface Pod {
  root: string;
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/** `$(VAR)` in args, expanded from the container's env as the kubelet does. */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
}

/** Runs the StatefulSet's container from the production install: its args and env, its volumes as temp folders. */
async function startPod(objs: K8sObject[]): Promise<Pod> {
  const sts = serverStatefulSet(objs);
  const spec = sts.spec.template.spec;
  const c = spec.containers[0];
  const root = tempDir("image-pod-");
  for (const m of c.volumeMounts) {
    const dir = path.join(root, m.mountPath);
    mkdirSync(dir, { recursive: true });
    const volume = spec.volumes.find((v: any) => v.name === m.name);
    if (volume?.secret) {
      const secret = byKind(objs, "Secret").find((s) => s.metadata.name === volume.secret.secretName);
      assert.ok(secret, `Secret ${volume.secret.secretName} for volume ${m.name}`);
      for (const [key, value] of Object.entries(secret.data as Record<string, string>)) writeFileSync(path.join(dir, key), Buffer.from(value, "base64"));
    }
  }
  const env: Record<string, string> = {};
  for (const line of stages(dockerfile)[1]!.lines.filter((l) => l.startsWith("ENV "))) {
    const [k, v] = line.slice(4).split("=");
    env[k!] = v!;
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.configMapKeyRef;
    env[e.name] = ref ? byKind(objs, "ConfigMap").find((m) => m.metadata.name === ref.name)!.data[ref.key] : e.value;
  }
  const port = await freePort();
  const mounts = [...c.volumeMounts].sort((a: any, b: any) => b.mountPath.length - a.mountPath.length);
  const args: string[] = c.args.map((a: string) => {
    const out = expand(a, env).replace(/^--secure-port=\d+$/, `--secure-port=${port}`);
    // A path in a mount is that folder under the pod's root (the deepest mount holding it).
    const at = (mountPath: string) => new RegExp(`(=|^|sqlite:)${mountPath}(/|$)`);
    const m = mounts.find((v: any) => at(v.mountPath).test(out));
    return m ? out.replace(at(m.mountPath), `$1${path.join(root, m.mountPath)}$2`) : out;
  });
  for (const a of args) assert.doesNotMatch(a, /(=|:)\/(var|tmp)\/(?!.*image-pod-)/, `${a} would write outside the pod's volumes`);
  args.push(`--kubeconfig=${kube.kubeconfigPath()}`);
  const entrypoint = path.join(appDir, path.relative(IMAGE_APP_DIR, imageEntrypoint((await apiContext()).names.serverBin)));
  const startedAt = Date.now();
  const child: ChildProcess = spawn(entrypoint, args, { cwd: appDir, env: { PATH: process.env.PATH!, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const names = manifestNames((await apiContext()).names);
  const get = (p: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = https.get({ host: "127.0.0.1", port, path: p, ca: certificates.caPem, servername: names.hosts[0], timeout: 5000 }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new Error("timeout")));
    });
  return {
    root,
    async ready() {
      // Probed as the kubelet does: HTTPS /readyz, no client credentials, until 200.
      let last = "";
      for (let i = 0; i < 300; i++) {
        if (child.exitCode !== null) break;
        const r = await get("/readyz").catch((err: Error) => ({ status: 0, body: err.message }));
        if (r.status === 200) {
          assert.equal(r.body, "ok");
          const verbose = await get("/readyz?verbose");
          assert.match(verbose.body, /\[\+\]poststarthook\/storage-readiness ok/);
          return;
        }
        last = `${r.status} ${r.body}`;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.fail(`not ready (last: ${last}):\n${output}`);
    },
    async stop() {
      child.kill("SIGTERM");
      const code = await exited;
      assert.equal(code, 0, `a SIGTERM'd server exits cleanly:\n${output}`);
      // Read-only root filesystem: nothing in the install changed while it ran.
      assert.deepEqual(changedSince(appDir, startedAt), [], "the server wrote outside its volumes");
    },
  };
}

/** Files under `dir` modified after `ms`. */
function changedSince(dir: string, ms: number): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...changedSince(p, ms));
    else if (e.isFile() && statSync(p).mtimeMs > ms) out.push(p);
  }
  return out;
}
