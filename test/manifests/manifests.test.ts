// The emitted manifests render with `kubectl kustomize` (the default and each component), every object
// validates against its kind's Kubernetes schema (kubernetes-models 4, generated from kube's OpenAPI), and
// the install is one consistent API: one SQLite writer on a PersistentVolumeClaim, or every replica on etcd.
// `kubectl apply --dry-run=client` cannot be the judge here: it needs a cluster (discovery and the OpenAPI
// it validates against: "failed to download openapi"), so the schemas stand in for it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadAll } from "js-yaml";
import { ensureManifestCertificates } from "../../generator/src/commands/certificates.js";
import { certificateSubject, manifestNames, manifestView } from "../../generator/src/emit/manifests/view.js";
import type { OutputNames } from "../../generator/src/config/types.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { requires } from "../support/requirements.js";
import { emitContextFor } from "../support/skai-context.js";
import { apiContext, apiModel, byKind, cleanRenders, enable, render, serverStatefulSet, type K8sObject } from "./render.js";

let model: ApiModel;
let outputNames: OutputNames;
before(async () => {
  model = await apiModel();
  outputNames = (await apiContext()).names;
});
after(cleanRenders);

/** kubernetes-models class for apiVersion/kind, e.g. apps/v1 Deployment. */
async function validate(obj: K8sObject): Promise<void> {
  const module = `kubernetes-models/${obj.apiVersion}`;
  const models = (await import(module)) as Record<string, new (o: unknown) => { validate(): void }>;
  const Model = models[obj.kind];
  assert.ok(Model, `no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

const kubectlSkip = requires("kubectl");

test("the placeholder manifests render and every object validates against its schema", { skip: kubectlSkip }, async () => {
  const objs = await render();
  const kinds = objs.map((o) => o.kind).sort();
  for (const k of ["APIService", "ClusterRole", "ClusterRoleBinding", "Namespace", "RoleBinding", "Secret", "Service", "ServiceAccount", "StatefulSet"]) {
    assert.ok(kinds.includes(k), `missing ${k}`);
  }
  assert.ok(!kinds.includes("Deployment"), "the server is a StatefulSet: a stable identity for its volume");
  for (const obj of objs) await validate(obj);
  for (const api of byKind(objs, "APIService")) {
    assert.equal(api.spec.caBundle, "", "placeholder: empty caBundle");
    assert.notEqual(api.spec.insecureSkipTLSVerify, true);
  }
});

test("one APIService per served group-version, pointing at the Service on 443", { skip: kubectlSkip }, async () => {
  const objs = await render();
  const served = model.groups.flatMap((g) => g.versions.filter((v) => v.served).map((v) => `${v.name}.${g.name}`));
  const apis = byKind(objs, "APIService");
  assert.deepEqual(apis.map((a) => a.metadata.name).sort(), served.sort());
  const names = manifestNames(outputNames);
  const svc = byKind(objs, "Service")[0]!;
  for (const a of apis) {
    assert.deepEqual(a.spec.service, { namespace: names.namespace, name: svc.metadata.name, port: 443 });
    assert.equal(a.metadata.name, `${a.spec.version}.${a.spec.group}`);
    assert.ok(a.spec.versionPriority > 0 && a.spec.groupPriorityMinimum > 0);
  }
});

/** The server container of the StatefulSet and the value of one of its `--flag=value` args. */
function server(objs: K8sObject[]) {
  const sts = serverStatefulSet(objs);
  const pod = sts.spec.template.spec;
  const c = pod.containers[0];
  const arg = (flag: string): string | undefined => c.args.find((a: string) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  /** The pod volume mounted at the directory holding `file`. */
  const volumeOf = (file: string) => {
    const mount = c.volumeMounts.filter((m: any) => file.startsWith(m.mountPath + "/")).sort((a: any, b: any) => b.mountPath.length - a.mountPath.length)[0];
    assert.ok(mount, `${file} is on a mounted volume`);
    return { mount, volume: pod.volumes.find((v: any) => v.name === mount.name), claim: (sts.spec.volumeClaimTemplates ?? []).find((t: any) => t.metadata.name === mount.name) };
  };
  return { sts, pod, c, arg, volumeOf };
}

/** The install is one consistent API: one SQLite writer whose data is on a claim, or every replica on etcd. */
function assertOneConsistentApi(objs: K8sObject[]): "sqlite" | "etcd" {
  assert.equal(byKind(objs, "Deployment").length + byKind(objs, "DaemonSet").length, 0, "the StatefulSet is the only workload");
  const { sts, arg, volumeOf } = server(objs);
  const storage = arg("--storage");
  assert.ok(storage, "--storage is explicit");
  if (storage.startsWith("sqlite:")) {
    assert.equal(sts.spec.replicas, 1, "exactly one SQLite writer");
    const data = volumeOf(storage.slice("sqlite:".length));
    assert.equal(data.volume, undefined, "no pod volume (emptyDir) shadows the claim");
    assert.ok(data.claim, "the database is on a PersistentVolumeClaim");
    assert.deepEqual(data.claim.spec.accessModes, ["ReadWriteOnce"]);
    return "sqlite";
  }
  assert.match(storage, /^etcd:\/\//, "every replica on etcd");
  assert.equal(sts.spec.volumeClaimTemplates, undefined, "no local data on etcd");
  return "etcd";
}

/** Probes, graceful shutdown, non-root and a read-only root filesystem: the same in every variant. */
function assertPodHygiene(objs: K8sObject[]): void {
  const { pod, c } = server(objs);
  const view = manifestView(model, outputNames);
  assert.deepEqual([c.livenessProbe.httpGet.path, c.livenessProbe.httpGet.scheme], ["/livez", "HTTPS"]);
  assert.deepEqual([c.startupProbe.httpGet.path, c.startupProbe.httpGet.scheme], ["/livez", "HTTPS"]);
  // /readyz includes poststarthook/storage-readiness: ready once every watch cache has listed.
  assert.deepEqual([c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.scheme], ["/readyz", "HTTPS"]);
  assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
  // preStop keeps serving while endpoints drop the pod; then SIGTERM gets the server's 5 s for in-flight requests.
  assert.deepEqual(c.lifecycle.preStop.exec.command, view.preStopCommand);
  assert.ok(pod.terminationGracePeriodSeconds >= view.preStopSeconds + 5 + 5, "grace covers preStop, in-flight requests and closing storage");
  assert.ok(c.args.includes("--delegated-auth"), "authenticate and authorize through kube-apiserver in the cluster");
  assert.ok(c.args.includes("--tls-cert-file=/var/run/serving-cert/tls.crt"));
  // Whatever the server writes (its --cert-dir, --kubeconfig-out) is on a volume, never the read-only root.
  for (const flag of ["--cert-dir", "--kubeconfig-out"]) {
    const value = c.args.find((a: string) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
    assert.ok(value && c.volumeMounts.some((m: any) => value.startsWith(m.mountPath + "/")), `${flag} on a volume`);
  }
  assert.equal(pod.serviceAccountName, manifestNames(outputNames).serviceAccount);
  assert.match(c.image, new RegExp(`^${manifestNames(outputNames).imageName}:\\S+$`));
}

test("the default: one replica on SQLite on a PersistentVolumeClaim, probes, graceful shutdown, non-root, read-only root", { skip: kubectlSkip }, async () => {
  const objs = await render();
  assert.equal(assertOneConsistentApi(objs), "sqlite");
  assertPodHygiene(objs);
  const { sts, arg } = server(objs);
  assert.equal(arg("--storage"), `sqlite:${manifestNames(outputNames).dataDir}/data.db`);
  assert.equal(sts.spec.serviceName, manifestNames(outputNames).service);
  // A one-replica PDB would block every node drain: the PDB belongs to the high-availability component.
  assert.equal(byKind(objs, "PodDisruptionBudget").length, 0);
});

test("the high-availability component: every replica on etcd over TLS, PDB, anti-affinity, valid objects", { skip: kubectlSkip }, async () => {
  const objs = await render(undefined, enable("high-availability"));
  for (const obj of objs) await validate(obj);
  assert.equal(assertOneConsistentApi(objs), "etcd");
  assertPodHygiene(objs);
  const names = manifestNames(outputNames);
  const { sts, pod, c, arg, volumeOf } = server(objs);
  assert.ok(sts.spec.replicas >= 3);
  assert.equal(arg("--etcd-prefix"), names.etcdPrefix);
  // Endpoints from the ConfigMap through the env (the kubelet expands $(ETCD_ENDPOINTS) in args).
  assert.equal(arg("--storage"), "etcd://$(ETCD_ENDPOINTS)");
  const env = c.env.find((e: any) => e.name === "ETCD_ENDPOINTS");
  const cm = byKind(objs, "ConfigMap").find((m) => m.metadata.name === env.valueFrom.configMapKeyRef.name);
  assert.ok(cm?.data[env.valueFrom.configMapKeyRef.key], "the endpoints ConfigMap is part of the component");
  // TLS: CA, client certificate and key come from the client Secret's keys.
  for (const [flag, key] of [["--etcd-cafile", "ca.crt"], ["--etcd-certfile", "tls.crt"], ["--etcd-keyfile", "tls.key"]] as const) {
    const file = arg(flag)!;
    const { mount, volume } = volumeOf(file);
    assert.equal(volume?.secret?.secretName, names.etcdClientSecret, `${flag} from the client Secret`);
    assert.equal(mount.readOnly, true);
    assert.equal(file, `${mount.mountPath}/${key}`);
  }
  assert.ok(!pod.volumes.some((v: any) => v.emptyDir && c.volumeMounts.find((m: any) => m.name === v.name)?.mountPath !== "/tmp"), "no emptyDir but scratch");
  const podLabels = sts.spec.template.metadata.labels;
  const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);
  const [pdb] = byKind(objs, "PodDisruptionBudget");
  assert.ok(pdb && selects(pdb.spec.selector.matchLabels), "the PDB selects the replicas");
  assert.equal(pdb.spec.maxUnavailable, 1);
  const anti = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  assert.equal(anti[0].topologyKey, "kubernetes.io/hostname");
  assert.ok(selects(anti[0].labelSelector.matchLabels), "one replica per node");
});

test("both components together render and validate (high availability with cert-manager)", { skip: kubectlSkip }, async () => {
  const objs = await render(undefined, enable("high-availability", "cert-manager"));
  assert.equal(assertOneConsistentApi(objs), "etcd");
  for (const obj of objs.filter((o) => !o.apiVersion.startsWith("cert-manager.io/"))) await validate(obj);
});

test("the checks fail on the installs the issue describes: 2 SQLite replicas, data on an emptyDir", { skip: kubectlSkip }, async () => {
  const objs = await render();
  const two = structuredClone(objs);
  serverStatefulSet(two).spec.replicas = 2;
  assert.throws(() => assertOneConsistentApi(two), /exactly one SQLite writer/);
  const ephemeral = structuredClone(objs);
  const sts = serverStatefulSet(ephemeral);
  delete sts.spec.volumeClaimTemplates;
  sts.spec.template.spec.volumes.push({ name: "data", emptyDir: {} });
  assert.throws(() => assertOneConsistentApi(ephemeral), /emptyDir/);
});

test("templates name nothing of one API: every name comes from the view", () => {
  const dir = join(process.cwd(), "generator", "templates", "manifests");
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".hbs"));
  assert.ok(files.length > 10);
  for (const f of files) {
    const text = readFileSync(join(dir, f), "utf8");
    assert.doesNotMatch(text, /skai(?!-gen)|\/var\/lib\/[a-z]/, `${f} hard-codes a name`);
  }
});

test("the StatefulSet's selector and the Service select the pod template's labels", { skip: kubectlSkip }, async () => {
  const objs = await render();
  const sts = serverStatefulSet(objs);
  const podLabels: Record<string, string> = sts.spec.template.metadata.labels;
  const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  assert.ok(Object.keys(sts.spec.selector.matchLabels).length > 0);
  assert.ok(selects(sts.spec.selector.matchLabels), "StatefulSet selector");
  assert.ok(selects(byKind(objs, "Service")[0]!.spec.selector), "Service selector");
  for (const obj of objs) assert.equal((obj.metadata as any).labels?.["app.kubernetes.io/name"], manifestNames(outputNames).name, `${obj.kind} ${obj.metadata.name} labels`);
});

test("RBAC: auth-delegator, the authentication reader in kube-system, roles aggregated into admin/edit/view", { skip: kubectlSkip }, async () => {
  const objs = await render();
  const names = manifestNames(outputNames);
  const sa = { kind: "ServiceAccount", name: names.serviceAccount, namespace: names.namespace };
  const delegator = byKind(objs, "ClusterRoleBinding").find((b) => b.roleRef.name === "system:auth-delegator");
  assert.deepEqual(delegator?.subjects, [sa]);
  const reader = byKind(objs, "RoleBinding").find((b) => b.roleRef.name === "extension-apiserver-authentication-reader");
  assert.equal(reader?.metadata.namespace, "kube-system");
  assert.equal(reader?.roleRef.kind, "Role");
  assert.deepEqual(reader?.subjects, [sa]);
  const aggregated = (role: string) =>
    byKind(objs, "ClusterRole").filter((r) => (r.metadata as any).labels?.[`rbac.authorization.k8s.io/aggregate-to-${role}`] === "true");
  for (const role of ["admin", "edit", "view"]) assert.ok(aggregated(role).length > 0, role);
  const view = aggregated("view")[0]!;
  const plurals = model.groups[0]!.versions[0]!.kinds.map((k) => k.plural).sort();
  assert.deepEqual([...view.rules[0].resources].sort(), plurals);
  assert.deepEqual(view.rules[0].verbs, ["get", "list", "watch"]);
  assert.ok(!aggregated("view").some((r) => r.rules.some((rule: any) => rule.verbs.includes("create"))), "view never writes");
});

test("with --certs: every APIService caBundle verifies the serving certificate, valid for the Service's name", { skip: kubectlSkip }, async () => {
  const certDir = mkdtempSync(join(tmpdir(), "certs-"));
  const certificates = ensureManifestCertificates(certDir, certificateSubject(outputNames));
  const again = ensureManifestCertificates(certDir, certificateSubject(outputNames));
  assert.deepEqual(again, certificates, "created once, then reused: generation stays deterministic");
  const objs = await render(certificates);
  for (const obj of objs) await validate(obj);
  const names = manifestNames(outputNames);
  const secret = byKind(objs, "Secret").find((s) => s.metadata.name === names.secretName)!;
  assert.equal(secret.type, "kubernetes.io/tls");
  const serving = new X509Certificate(Buffer.from(secret.data["tls.crt"], "base64"));
  assert.ok(serving.checkHost(`${names.service}.${names.namespace}.svc`), "SAN for <service>.<namespace>.svc");
  assert.ok(serving.keyUsage?.includes("1.3.6.1.5.5.7.3.1"), "serverAuth");
  const apis = byKind(objs, "APIService");
  assert.ok(apis.length > 0);
  for (const api of apis) {
    assert.notEqual(api.spec.insecureSkipTLSVerify, true);
    const ca = new X509Certificate(Buffer.from(api.spec.caBundle, "base64"));
    assert.ok(ca.ca, `${api.metadata.name}: caBundle is a CA`);
    assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey), `${api.metadata.name}: caBundle verifies the serving certificate`);
  }
  // The CA's private key never enters the manifests.
  const caKey = readFileSync(join(certDir, "ca.key"), "utf8");
  assert.ok(!JSON.stringify(objs).includes(Buffer.from(caKey).toString("base64")));
  rmSync(certDir, { recursive: true, force: true });
});

test("the cert-manager component renders: Issuer/Certificate, CA injection annotation, no placeholder Secret", { skip: kubectlSkip }, async () => {
  const objs = await render(undefined, enable("cert-manager"));
  const names = manifestNames(outputNames);
  assert.equal(byKind(objs, "Secret").length, 0);
  const cert = byKind(objs, "Certificate").find((c) => c.metadata.name === names.certificateName);
  assert.equal(cert?.spec.secretName, names.secretName);
  assert.ok(cert?.spec.dnsNames.includes(`${names.service}.${names.namespace}.svc`));
  for (const api of byKind(objs, "APIService")) {
    assert.equal(api.metadata.annotations?.["cert-manager.io/inject-ca-from"], `${names.namespace}/${names.certificateName}`);
  }
  for (const obj of objs.filter((o) => !o.apiVersion.startsWith("cert-manager.io/"))) await validate(obj);
});

test("the committed generated/manifests pass kubectl kustomize", { skip: kubectlSkip }, () => {
  const out = execFileSync("kubectl", ["kustomize", join(process.cwd(), "generated", "manifests")], { encoding: "utf8" });
  assert.ok((loadAll(out) as K8sObject[]).some((o) => o.kind === "APIService"));
});

test("the configured image: name and tag, or a digest, as kustomize sets them", { skip: kubectlSkip }, async () => {
  const image = async (ref: string) => {
    const ctx = emitContextFor(model, { package: { name: "@shop/api" }, deployment: { image: ref } });
    return serverStatefulSet(await render(undefined, undefined, ctx)).spec.template.spec.containers[0].image;
  };
  assert.equal(await image("registry.example.com:5000/shop/apiserver:1.2.3"), "registry.example.com:5000/shop/apiserver:1.2.3");
  assert.equal(await image("shop-apiserver"), "shop-apiserver:latest");
  const digest = `sha256:${"a".repeat(64)}`;
  assert.equal(await image(`ghcr.io/shop/apiserver@${digest}`), `ghcr.io/shop/apiserver@${digest}`);
});
