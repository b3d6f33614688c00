/**
 * What the manifest templates print, computed from the model alone: names,
 * APIServices, the users' RBAC rules, the server's arguments. Everything
 * a template needs is here, so templates hold layout and comments only.
 */
import type { OutputNames } from "../../config/types.js";
import type { ApiModel, GroupModel, KindModel } from "../../model/types.js";

export interface ManifestCertificatesPem {
  caPem: string;
  servingCertPem: string;
  servingKeyPem: string;
}

/** Whom the serving certificate is for: the Service's DNS names, and the name of the CA that signs it. */
export interface CertificateSubject {
  hosts: string[];
  caName: string;
}

export interface ManifestNames {
  /** The server bin (`shop-apiserver`): StatefulSet, Service, ServiceAccount, PDB, role-name prefix. */
  name: string;
  /** The configured namespace (`shop-system`). */
  namespace: string;
  serviceAccount: string;
  service: string;
  secretName: string;
  /** cert-manager Certificate whose CA is injected into the APIServices. */
  certificateName: string;
  /** The configured image without its tag: the StatefulSet's image and kustomize's `images[].name`. */
  imageName: string;
  /** The configured image's tag (`latest` when it has none): kustomize's `newTag`. */
  imageTag: string;
  /** The configured image's digest (`sha256:...`) when it names one: kustomize's `digest`, instead of the tag. */
  imageDigest?: string;
  /** DNS names kube-apiserver may dial: the serving certificate's SANs. */
  hosts: string[];
  /** The generated package's server bin: the image's entrypoint. */
  serverBin: string;
  /** Where the SQLite database lives in the pod: the PersistentVolumeClaim's mount. */
  dataDir: string;
  /** Secret with the etcd client certificate (ca.crt, tls.crt, tls.key) for the high-availability component. */
  etcdClientSecret: string;
  /** ConfigMap whose `endpoints` key lists the etcd members (host:port,...). */
  etcdConfigMap: string;
  /** Key prefix in etcd: one per API, so several servers can share an etcd. */
  etcdPrefix: string;
}

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

export interface ManifestView extends ManifestNames {
  port: number;
  /** The default install: one replica on SQLite on the PVC. */
  args: string[];
  volumeMounts: VolumeMount[];
  dataVolumeSize: string;
  /** The high-availability component: every replica on the same etcd. */
  ha: { replicas: number; args: string[]; volumeMounts: VolumeMount[]; env: object[]; volume: object; affinity: object; placeholderEndpoints: string };
  /** Graceful shutdown: preStop waits while endpoints drop the pod, then SIGTERM ends watches and lets writes finish. */
  preStopSeconds: number;
  preStopCommand: string[];
  terminationGracePeriodSeconds: number;
  apiServices: { name: string; group: string; version: string; groupPriorityMinimum: number; versionPriority: number }[];
  userRoles: { name: string; aggregateTo: string[]; rules: RbacRule[] }[];
  /** Base64 PEMs for the Secret and caBundle; absent = placeholders. */
  certificates?: { ca: string; servingCert: string; servingKey: string };
  caBundle: string;
  resources: string[];
}

const SERVING_CERT_DIR = "/var/run/serving-cert";
const ETCD_CLIENT_DIR = "/var/run/etcd-client";
const PORT = 8443;
/** Long enough for kube-proxy and the aggregator to stop routing to a terminating pod. */
const PRE_STOP_SECONDS = 10;
/** preStop, then the server's 5 s for in-flight requests (ApiServerOptions.shutdownGraceMs), then closing storage, with room. */
const TERMINATION_GRACE_SECONDS = 30;
const HA_REPLICAS = 3;

/** The installation's names, from the configuration: every object is named after the server bin. */
export function certificateSubject(names: OutputNames): CertificateSubject {
  const { hosts, service, namespace } = manifestNames(names);
  return { hosts, caName: `${service}.${namespace}-ca` };
}

export function manifestNames(names: OutputNames): ManifestNames {
  const name = names.serverBin;
  const namespace = names.namespace;
  const service = name;
  return {
    name,
    namespace,
    serviceAccount: name,
    service,
    secretName: `${name}-serving-cert`,
    certificateName: `${name}-serving-cert`,
    ...splitImage(names.image),
    hosts: [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}`, service],
    serverBin: names.serverBin,
    dataDir: `/var/lib/${name}`,
    etcdClientSecret: `${name}-etcd-client`,
    etcdConfigMap: `${name}-etcd`,
    etcdPrefix: names.etcdPrefix,
  };
}

/**
 * `registry:5000/shop/api:1.2` -> name `registry:5000/shop/api`, tag `1.2`; no tag -> `latest`, as docker
 * reads it; `shop/api@sha256:...` -> name and digest (a digest pins the image, the tag is then moot).
 */
function splitImage(image: string): { imageName: string; imageTag: string; imageDigest?: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { ...splitImage(image.slice(0, at)), imageDigest: image.slice(at + 1) };
  const colon = image.lastIndexOf(":");
  if (colon > image.lastIndexOf("/")) return { imageName: image.slice(0, colon), imageTag: image.slice(colon + 1) };
  return { imageName: image, imageTag: "latest" };
}

function servedKinds(group: GroupModel): KindModel[] {
  const byPlural = new Map<string, KindModel>();
  for (const v of group.versions) if (v.served) for (const k of v.kinds) if (!byPlural.has(k.plural)) byPlural.set(k.plural, k);
  return [...byPlural.values()].sort((a, b) => (a.plural < b.plural ? -1 : 1));
}

/** Rules as kube's built-in roles grant core resources: edit writes, view reads (status, scale and logs included). */
function userRoleRules(model: ApiModel): { edit: RbacRule[]; view: RbacRule[] } {
  const edit: RbacRule[] = [];
  const view: RbacRule[] = [];
  for (const group of model.groups) {
    const kinds = servedKinds(group);
    if (kinds.length === 0) continue;
    const g = [group.name];
    const plurals = kinds.map((k) => k.plural);
    const sub = (pick: (k: KindModel) => boolean, name: string) => kinds.filter(pick).map((k) => `${k.plural}/${name}`);
    edit.push({ apiGroups: g, resources: plurals, verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] });
    const scale = sub((k) => !!k.subresources.scale, "scale");
    if (scale.length) edit.push({ apiGroups: g, resources: scale, verbs: ["get", "patch", "update"] });
    const exec = sub((k) => k.subresources.exec, "exec");
    if (exec.length) edit.push({ apiGroups: g, resources: exec, verbs: ["create", "get"] });
    const custom = kinds.flatMap((k) => k.subresources.custom.map((c) => `${k.plural}/${c}`));
    if (custom.length) edit.push({ apiGroups: g, resources: custom, verbs: ["create", "get", "patch", "update"] });

    view.push({ apiGroups: g, resources: plurals, verbs: ["get", "list", "watch"] });
    const readable = [...sub((k) => k.subresources.status, "status"), ...scale];
    if (readable.length) view.push({ apiGroups: g, resources: readable, verbs: ["get", "list", "watch"] });
    const log = sub((k) => k.subresources.log, "log");
    if (log.length) view.push({ apiGroups: g, resources: log, verbs: ["get"] });
  }
  return { edit, view };
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function manifestView(model: ApiModel, outputNames: OutputNames, certs?: ManifestCertificatesPem): ManifestView {
  const names = manifestNames(outputNames);
  const apiServices = model.groups.flatMap((group) => {
    const served = group.versions.filter((v) => v.served);
    // Versions come in Kubernetes priority order; the first gets the highest versionPriority.
    return served.map((v, i) => ({
      name: `${v.name}.${group.name}`,
      group: group.name,
      version: v.name,
      groupPriorityMinimum: 1000,
      versionPriority: 15 + served.length - 1 - i,
    }));
  });
  const rules = userRoleRules(model);
  const certificates = certs ? { ca: b64(certs.caPem), servingCert: b64(certs.servingCertPem), servingKey: b64(certs.servingKeyPem) } : undefined;
  const common = [
    // In a pod, kube-apiserver is found through the in-cluster config: no kubeconfig flag
    // switches delegation on, so ask for it (the serving layer's flag).
    "--delegated-auth",
    `--secure-port=${PORT}`,
    "--bind-address=0.0.0.0",
    `--tls-cert-file=${SERVING_CERT_DIR}/tls.crt`,
    `--tls-private-key-file=${SERVING_CERT_DIR}/tls.key`,
    // Standalone-mode files go to the writable emptyDir, never the read-only root filesystem.
    `--cert-dir=/tmp/${names.name}-certs`,
    `--kubeconfig-out=/tmp/${names.name}-kubeconfig`,
  ];
  const mounts: VolumeMount[] = [
    { name: "serving-cert", mountPath: SERVING_CERT_DIR, readOnly: true },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const podLabels = { "app.kubernetes.io/name": names.name, "app.kubernetes.io/component": "apiserver" };
  return {
    ...names,
    port: PORT,
    // One writer: SQLite lives in this process, so one replica owns the database on its PVC.
    args: [...common, `--storage=sqlite:${names.dataDir}/data.db`],
    volumeMounts: [...mounts, { name: "data", mountPath: names.dataDir }],
    dataVolumeSize: "1Gi",
    ha: {
      replicas: HA_REPLICAS,
      // The kubelet expands $(ETCD_ENDPOINTS) from the container's env (the ConfigMap).
      args: [
        ...common,
        "--storage=etcd://$(ETCD_ENDPOINTS)",
        `--etcd-prefix=${names.etcdPrefix}`,
        `--etcd-cafile=${ETCD_CLIENT_DIR}/ca.crt`,
        `--etcd-certfile=${ETCD_CLIENT_DIR}/tls.crt`,
        `--etcd-keyfile=${ETCD_CLIENT_DIR}/tls.key`,
      ],
      volumeMounts: [...mounts, { name: "etcd-client", mountPath: ETCD_CLIENT_DIR, readOnly: true }],
      env: [{ name: "ETCD_ENDPOINTS", valueFrom: { configMapKeyRef: { name: names.etcdConfigMap, key: "endpoints" } } }],
      volume: { name: "etcd-client", secret: { secretName: names.etcdClientSecret } },
      // One replica per node: a node's loss takes one replica, and the PDB keeps the rest serving.
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: podLabels } }],
        },
      },
      placeholderEndpoints: "etcd-0.example.internal:2379,etcd-1.example.internal:2379,etcd-2.example.internal:2379",
    },
    preStopSeconds: PRE_STOP_SECONDS,
    // The image has node and nothing else it could sleep with.
    preStopCommand: ["node", "-e", `setTimeout(() => {}, ${PRE_STOP_SECONDS * 1000})`],
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    apiServices,
    userRoles: [
      { name: `${names.name}:edit`, aggregateTo: ["admin", "edit"], rules: rules.edit },
      { name: `${names.name}:view`, aggregateTo: ["admin", "edit", "view"], rules: rules.view },
    ],
    certificates,
    caBundle: certificates?.ca ?? "",
    resources: [
      "namespace.yaml",
      "serviceaccount.yaml",
      "delegation-rbac.yaml",
      "user-roles.yaml",
      "serving-cert.yaml",
      "statefulset.yaml",
      "service.yaml",
      "apiservices.yaml",
    ],
  };
}
