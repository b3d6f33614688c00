// The emitted manifests render with `kubectl kustomize`, every object validates against its kind's
// Kubernetes schema (kubernetes-models 4), and every APIService's caBundle verifies the serving certificate.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { before, test } from "node:test";
import { loadAll } from "js-yaml";
import { finishFile } from "../../generator/src/codegen/format.js";
import { emitManifests } from "../../generator/src/emit/manifests.js";
import { ensureManifestCertificates } from "../../generator/src/emit/manifests/certs.js";
import { manifestNames } from "../../generator/src/emit/manifests/view.js";
import type { ApiModel } from "../../generator/src/model/types.js";
import { DEFAULT_CONTEXT } from "../../generator/src/pipeline.js";
import { readDefinitions } from "../../generator/src/read/index.js";

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: any };

let model: ApiModel;
before(async () => {
  const read = await readDefinitions(join(process.cwd(), "definitions"), { projectRoot: process.cwd() });
  assert.deepEqual(read.diagnostics, []);
  model = read.model;
});

async function render(ctx = DEFAULT_CONTEXT, edit?: (dir: string) => void): Promise<K8sObject[]> {
  const dir = mkdtempSync(join(tmpdir(), "manifests-"));
  for (const file of await Promise.all(emitManifests(model, ctx).map(finishFile))) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  edit?.(join(dir, "manifests"));
  const out = execFileSync("/usr/bin/kubectl", ["kustomize", join(dir, "manifests")], { encoding: "utf8" });
  return loadAll(out) as K8sObject[];
}

/** kubernetes-models class for apiVersion/kind, e.g. apps/v1 Deployment. */
async function validate(obj: K8sObject): Promise<void> {
  const module = `kubernetes-models/${obj.apiVersion}`;
  const models = (await import(module)) as Record<string, new (o: unknown) => { validate(): void }>;
  const Model = models[obj.kind];
  assert.ok(Model, `no schema for ${obj.apiVersion} ${obj.kind}`);
  new Model(obj).validate();
}

const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);

test("the placeholder manifests render and every object validates against its schema", async () => {
  const objs = await render();
  const kinds = objs.map((o) => o.kind).sort();
  for (const k of ["APIService", "ClusterRole", "ClusterRoleBinding", "Deployment", "Namespace", "PodDisruptionBudget", "RoleBinding", "Secret", "Service", "ServiceAccount"]) {
    assert.ok(kinds.includes(k), `missing ${k}`);
  }
  for (const obj of objs) await validate(obj);
  for (const api of byKind(objs, "APIService")) {
    assert.equal(api.spec.caBundle, "", "placeholder: empty caBundle");
    assert.notEqual(api.spec.insecureSkipTLSVerify, true);
  }
});

test("one APIService per served group-version, pointing at the Service on 443", async () => {
  const objs = await render();
  const served = model.groups.flatMap((g) => g.versions.filter((v) => v.served).map((v) => `${v.name}.${g.name}`));
  const apis = byKind(objs, "APIService");
  assert.deepEqual(apis.map((a) => a.metadata.name).sort(), served.sort());
  const names = manifestNames(model);
  const svc = byKind(objs, "Service")[0]!;
  for (const a of apis) {
    assert.deepEqual(a.spec.service, { namespace: names.namespace, name: svc.metadata.name, port: 443 });
    assert.equal(a.metadata.name, `${a.spec.version}.${a.spec.group}`);
    assert.ok(a.spec.versionPriority > 0 && a.spec.groupPriorityMinimum > 0);
  }
});

test("the Deployment: 2 replicas, HTTPS probes on /livez and /readyz, requests, non-root, read-only root", async () => {
  const [dep] = byKind(await render(), "Deployment");
  assert.equal(dep!.spec.replicas, 2);
  const pod = dep!.spec.template.spec;
  const c = pod.containers[0];
  assert.deepEqual([c.livenessProbe.httpGet.path, c.livenessProbe.httpGet.scheme], ["/livez", "HTTPS"]);
  assert.deepEqual([c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.scheme], ["/readyz", "HTTPS"]);
  assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.ok(c.args.includes("--tls-cert-file=/var/run/serving-cert/tls.crt"));
  assert.ok(c.args.includes("--delegated-auth"), "authenticate and authorize through kube-apiserver in the cluster");
  assert.equal(pod.serviceAccountName, manifestNames(model).serviceAccount);
  assert.match(c.image, /^skai-apiserver:\S+$/);
});

test("the Deployment's selector, the Service and the PDB all select the pod template's labels", async () => {
  const objs = await render();
  const [dep] = byKind(objs, "Deployment");
  const podLabels: Record<string, string> = dep!.spec.template.metadata.labels;
  const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  assert.ok(Object.keys(dep!.spec.selector.matchLabels).length > 0);
  assert.ok(selects(dep!.spec.selector.matchLabels), "Deployment selector");
  assert.ok(selects(byKind(objs, "Service")[0]!.spec.selector), "Service selector");
  assert.ok(selects(byKind(objs, "PodDisruptionBudget")[0]!.spec.selector.matchLabels), "PDB selector");
  for (const obj of objs) assert.equal((obj.metadata as any).labels?.["app.kubernetes.io/name"], "skai-apiserver", `${obj.kind} ${obj.metadata.name} labels`);
});

test("RBAC: auth-delegator, the authentication reader in kube-system, roles aggregated into admin/edit/view", async () => {
  const objs = await render();
  const names = manifestNames(model);
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

test("with --certs: every APIService caBundle verifies the serving certificate, valid for the Service's name", async () => {
  const certDir = mkdtempSync(join(tmpdir(), "certs-"));
  const certificates = ensureManifestCertificates(certDir, model);
  const again = ensureManifestCertificates(certDir, model);
  assert.deepEqual(again, certificates, "created once, then reused: generation stays deterministic");
  const objs = await render({ ...DEFAULT_CONTEXT, certificates });
  for (const obj of objs) await validate(obj);
  const names = manifestNames(model);
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
});

test("the cert-manager component renders: Issuer/Certificate, CA injection annotation, no placeholder Secret", async () => {
  const objs = await render(DEFAULT_CONTEXT, (dir) => {
    const file = join(dir, "kustomization.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("# components:", "components:").replace("#   - cert-manager", "  - cert-manager"));
  });
  const names = manifestNames(model);
  assert.equal(byKind(objs, "Secret").length, 0);
  const cert = byKind(objs, "Certificate").find((c) => c.metadata.name === names.certificateName);
  assert.equal(cert?.spec.secretName, names.secretName);
  assert.ok(cert?.spec.dnsNames.includes(`${names.service}.${names.namespace}.svc`));
  for (const api of byKind(objs, "APIService")) {
    assert.equal(api.metadata.annotations?.["cert-manager.io/inject-ca-from"], `${names.namespace}/${names.certificateName}`);
  }
  for (const obj of objs.filter((o) => !o.apiVersion.startsWith("cert-manager.io/"))) await validate(obj);
});

test("the committed generated/manifests pass kubectl kustomize", () => {
  const out = execFileSync("/usr/bin/kubectl", ["kustomize", join(process.cwd(), "generated", "manifests")], { encoding: "utf8" });
  assert.ok((loadAll(out) as K8sObject[]).some((o) => o.kind === "APIService"));
});
