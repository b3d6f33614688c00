/**
 * Field numbers of the upstream Kubernetes messages our kinds embed, by message
 * and JSON field name. Kubernetes never renumbers a field, so these numbers are
 * the same in every release that has the field.
 *
 * Provenance: transcribed from kubernetes/kubernetes
 * staging/src/k8s.io/api/core/v1/generated.proto (go-to-protobuf output, read at
 * commit 0032f46b5dcb, a 1.35 development tree) and
 * staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto, for every
 * message the model reaches through kubernetes-types 1.30. Fields removed
 * upstream after 1.30 that kubernetes-types 1.30 still has keep their 1.30
 * numbers (PodResourceClaim.source = 2 and its ClaimSource).
 *
 * `"@Message": n` marks a Go embedded struct (e.g. LocalObjectReference inside
 * ConfigMapKeySelector, ProbeHandler inside Probe, VolumeSource inside Volume):
 * on the wire it is field n holding that message; in JSON its fields sit in the
 * parent object. Only what the SKAI model uses is listed; tests check every
 * reachable upstream field has a number here.
 */
export type UpstreamFields = Record<string, number>;

/** k8s.io.api.core.v1 */
export const CORE_V1: Record<string, UpstreamFields> = {
  AWSElasticBlockStoreVolumeSource: { volumeID: 1, fsType: 2, partition: 3, readOnly: 4 },
  Affinity: { nodeAffinity: 1, podAffinity: 2, podAntiAffinity: 3 },
  AppArmorProfile: { type: 1, localhostProfile: 2 },
  AzureDiskVolumeSource: { diskName: 1, diskURI: 2, cachingMode: 3, fsType: 4, readOnly: 5, kind: 6 },
  AzureFileVolumeSource: { secretName: 1, shareName: 2, readOnly: 3 },
  CSIVolumeSource: { driver: 1, readOnly: 2, fsType: 3, volumeAttributes: 4, nodePublishSecretRef: 5 },
  Capabilities: { add: 1, drop: 2 },
  CephFSVolumeSource: { monitors: 1, path: 2, user: 3, secretFile: 4, secretRef: 5, readOnly: 6 },
  CinderVolumeSource: { volumeID: 1, fsType: 2, readOnly: 3, secretRef: 4 },
  ClaimSource: { resourceClaimName: 1, resourceClaimTemplateName: 2 },
  ClusterTrustBundleProjection: { name: 1, signerName: 2, labelSelector: 3, optional: 5, path: 4 },
  ConfigMapEnvSource: { "@LocalObjectReference": 1, optional: 2 },
  ConfigMapKeySelector: { "@LocalObjectReference": 1, key: 2, optional: 3 },
  ConfigMapProjection: { "@LocalObjectReference": 1, items: 2, optional: 4 },
  ConfigMapVolumeSource: { "@LocalObjectReference": 1, items: 2, defaultMode: 3, optional: 4 },
  Container: { name: 1, image: 2, command: 3, args: 4, workingDir: 5, ports: 6, envFrom: 19, env: 7, resources: 8, resizePolicy: 23, restartPolicy: 24, volumeMounts: 9, volumeDevices: 21, livenessProbe: 10, readinessProbe: 11, startupProbe: 22, lifecycle: 12, terminationMessagePath: 13, terminationMessagePolicy: 20, imagePullPolicy: 14, securityContext: 15, stdin: 16, stdinOnce: 17, tty: 18 },
  ContainerPort: { name: 1, hostPort: 2, containerPort: 3, protocol: 4, hostIP: 5 },
  ContainerResizePolicy: { resourceName: 1, restartPolicy: 2 },
  DownwardAPIProjection: { items: 1 },
  DownwardAPIVolumeFile: { path: 1, fieldRef: 2, resourceFieldRef: 3, mode: 4 },
  DownwardAPIVolumeSource: { items: 1, defaultMode: 2 },
  EmptyDirVolumeSource: { medium: 1, sizeLimit: 2 },
  EnvFromSource: { prefix: 1, configMapRef: 2, secretRef: 3 },
  EnvVar: { name: 1, value: 2, valueFrom: 3 },
  EnvVarSource: { fieldRef: 1, resourceFieldRef: 2, configMapKeyRef: 3, secretKeyRef: 4 },
  EphemeralContainer: { "@EphemeralContainerCommon": 1, targetContainerName: 2 },
  EphemeralContainerCommon: { name: 1, image: 2, command: 3, args: 4, workingDir: 5, ports: 6, envFrom: 19, env: 7, resources: 8, resizePolicy: 23, restartPolicy: 24, volumeMounts: 9, volumeDevices: 21, livenessProbe: 10, readinessProbe: 11, startupProbe: 22, lifecycle: 12, terminationMessagePath: 13, terminationMessagePolicy: 20, imagePullPolicy: 14, securityContext: 15, stdin: 16, stdinOnce: 17, tty: 18 },
  EphemeralVolumeSource: { volumeClaimTemplate: 1 },
  ExecAction: { command: 1 },
  FCVolumeSource: { targetWWNs: 1, lun: 2, fsType: 3, readOnly: 4, wwids: 5 },
  FlexVolumeSource: { driver: 1, fsType: 2, secretRef: 3, readOnly: 4, options: 5 },
  FlockerVolumeSource: { datasetName: 1, datasetUUID: 2 },
  GCEPersistentDiskVolumeSource: { pdName: 1, fsType: 2, partition: 3, readOnly: 4 },
  GRPCAction: { port: 1, service: 2 },
  GitRepoVolumeSource: { repository: 1, revision: 2, directory: 3 },
  GlusterfsVolumeSource: { endpoints: 1, path: 2, readOnly: 3 },
  HTTPGetAction: { path: 1, port: 2, host: 3, scheme: 4, httpHeaders: 5 },
  HTTPHeader: { name: 1, value: 2 },
  HostAlias: { ip: 1, hostnames: 2 },
  HostPathVolumeSource: { path: 1, type: 2 },
  ISCSIVolumeSource: { targetPortal: 1, iqn: 2, lun: 3, iscsiInterface: 4, fsType: 5, readOnly: 6, portals: 7, chapAuthDiscovery: 8, chapAuthSession: 11, secretRef: 10, initiatorName: 12 },
  KeyToPath: { key: 1, path: 2, mode: 3 },
  Lifecycle: { postStart: 1, preStop: 2 },
  LifecycleHandler: { exec: 1, httpGet: 2, tcpSocket: 3, sleep: 4 },
  LocalObjectReference: { name: 1 },
  NFSVolumeSource: { server: 1, path: 2, readOnly: 3 },
  NodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 1, preferredDuringSchedulingIgnoredDuringExecution: 2 },
  NodeSelector: { nodeSelectorTerms: 1 },
  NodeSelectorRequirement: { key: 1, operator: 2, values: 3 },
  NodeSelectorTerm: { matchExpressions: 1, matchFields: 2 },
  ObjectFieldSelector: { apiVersion: 1, fieldPath: 2 },
  PersistentVolumeClaimSpec: { accessModes: 1, selector: 4, resources: 2, volumeName: 3, storageClassName: 5, volumeMode: 6, dataSource: 7, dataSourceRef: 8, volumeAttributesClassName: 9 },
  PersistentVolumeClaimTemplate: { metadata: 1, spec: 2 },
  PersistentVolumeClaimVolumeSource: { claimName: 1, readOnly: 2 },
  PhotonPersistentDiskVolumeSource: { pdID: 1, fsType: 2 },
  PodAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 1, preferredDuringSchedulingIgnoredDuringExecution: 2 },
  PodAffinityTerm: { labelSelector: 1, namespaces: 2, topologyKey: 3, namespaceSelector: 4, matchLabelKeys: 5, mismatchLabelKeys: 6 },
  PodAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: 1, preferredDuringSchedulingIgnoredDuringExecution: 2 },
  PodDNSConfig: { nameservers: 1, searches: 2, options: 3 },
  PodDNSConfigOption: { name: 1, value: 2 },
  PodOS: { name: 1 },
  PodReadinessGate: { conditionType: 1 },
  PodResourceClaim: { name: 1, source: 2, resourceClaimName: 3, resourceClaimTemplateName: 4 },
  PodSchedulingGate: { name: 1 },
  PodSecurityContext: { seLinuxOptions: 1, windowsOptions: 8, runAsUser: 2, runAsGroup: 6, runAsNonRoot: 3, supplementalGroups: 4, supplementalGroupsPolicy: 12, fsGroup: 5, sysctls: 7, fsGroupChangePolicy: 9, seccompProfile: 10, appArmorProfile: 11, seLinuxChangePolicy: 13 },
  PodSpec: { volumes: 1, initContainers: 20, containers: 2, ephemeralContainers: 34, restartPolicy: 3, terminationGracePeriodSeconds: 4, activeDeadlineSeconds: 5, dnsPolicy: 6, nodeSelector: 7, serviceAccountName: 8, serviceAccount: 9, automountServiceAccountToken: 21, nodeName: 10, hostNetwork: 11, hostPID: 12, hostIPC: 13, shareProcessNamespace: 27, securityContext: 14, imagePullSecrets: 15, hostname: 16, subdomain: 17, affinity: 18, schedulerName: 19, tolerations: 22, hostAliases: 23, priorityClassName: 24, priority: 25, dnsConfig: 26, readinessGates: 28, runtimeClassName: 29, enableServiceLinks: 30, preemptionPolicy: 31, overhead: 32, topologySpreadConstraints: 33, setHostnameAsFQDN: 35, os: 36, hostUsers: 37, schedulingGates: 38, resourceClaims: 39, resources: 40, hostnameOverride: 41 },
  PodTemplateSpec: { metadata: 1, spec: 2 },
  PortworxVolumeSource: { volumeID: 1, fsType: 2, readOnly: 3 },
  PreferredSchedulingTerm: { weight: 1, preference: 2 },
  Probe: { "@ProbeHandler": 1, initialDelaySeconds: 2, timeoutSeconds: 3, periodSeconds: 4, successThreshold: 5, failureThreshold: 6, terminationGracePeriodSeconds: 7 },
  ProbeHandler: { exec: 1, httpGet: 2, tcpSocket: 3, grpc: 4 },
  ProjectedVolumeSource: { sources: 1, defaultMode: 2 },
  QuobyteVolumeSource: { registry: 1, volume: 2, readOnly: 3, user: 4, group: 5, tenant: 6 },
  RBDVolumeSource: { monitors: 1, image: 2, fsType: 3, pool: 4, user: 5, keyring: 6, secretRef: 7, readOnly: 8 },
  ResourceClaim: { name: 1, request: 2 },
  ResourceFieldSelector: { containerName: 1, resource: 2, divisor: 3 },
  ResourceRequirements: { limits: 1, requests: 2, claims: 3 },
  SELinuxOptions: { user: 1, role: 2, type: 3, level: 4 },
  ScaleIOVolumeSource: { gateway: 1, system: 2, secretRef: 3, sslEnabled: 4, protectionDomain: 5, storagePool: 6, storageMode: 7, volumeName: 8, fsType: 9, readOnly: 10 },
  SeccompProfile: { type: 1, localhostProfile: 2 },
  SecretEnvSource: { "@LocalObjectReference": 1, optional: 2 },
  SecretKeySelector: { "@LocalObjectReference": 1, key: 2, optional: 3 },
  SecretProjection: { "@LocalObjectReference": 1, items: 2, optional: 4 },
  SecretVolumeSource: { secretName: 1, items: 2, defaultMode: 3, optional: 4 },
  SecurityContext: { capabilities: 1, privileged: 2, seLinuxOptions: 3, windowsOptions: 10, runAsUser: 4, runAsGroup: 8, runAsNonRoot: 5, readOnlyRootFilesystem: 6, allowPrivilegeEscalation: 7, procMount: 9, seccompProfile: 11, appArmorProfile: 12 },
  ServiceAccountTokenProjection: { audience: 1, expirationSeconds: 2, path: 3 },
  SleepAction: { seconds: 1 },
  StorageOSVolumeSource: { volumeName: 1, volumeNamespace: 2, fsType: 3, readOnly: 4, secretRef: 5 },
  Sysctl: { name: 1, value: 2 },
  TCPSocketAction: { port: 1, host: 2 },
  Toleration: { key: 1, operator: 2, value: 3, effect: 4, tolerationSeconds: 5 },
  TopologySpreadConstraint: { maxSkew: 1, topologyKey: 2, whenUnsatisfiable: 3, labelSelector: 4, minDomains: 5, nodeAffinityPolicy: 6, nodeTaintsPolicy: 7, matchLabelKeys: 8 },
  TypedLocalObjectReference: { apiGroup: 1, kind: 2, name: 3 },
  TypedObjectReference: { apiGroup: 1, kind: 2, name: 3, namespace: 4 },
  Volume: { name: 1, "@VolumeSource": 2 },
  VolumeDevice: { name: 1, devicePath: 2 },
  VolumeMount: { name: 1, readOnly: 2, recursiveReadOnly: 7, mountPath: 3, subPath: 4, mountPropagation: 5, subPathExpr: 6 },
  VolumeProjection: { secret: 1, downwardAPI: 2, configMap: 3, serviceAccountToken: 4, clusterTrustBundle: 5 },
  VolumeResourceRequirements: { limits: 1, requests: 2 },
  VolumeSource: { hostPath: 1, emptyDir: 2, gcePersistentDisk: 3, awsElasticBlockStore: 4, gitRepo: 5, secret: 6, nfs: 7, iscsi: 8, glusterfs: 9, persistentVolumeClaim: 10, rbd: 11, flexVolume: 12, cinder: 13, cephfs: 14, flocker: 15, downwardAPI: 16, fc: 17, azureFile: 18, configMap: 19, vsphereVolume: 20, quobyte: 21, azureDisk: 22, photonPersistentDisk: 23, projected: 26, portworxVolume: 24, scaleIO: 25, storageos: 27, csi: 28, ephemeral: 29, image: 30 },
  VsphereVirtualDiskVolumeSource: { volumePath: 1, fsType: 2, storagePolicyName: 3, storagePolicyID: 4 },
  WeightedPodAffinityTerm: { weight: 1, podAffinityTerm: 2 },
  WindowsSecurityContextOptions: { gmsaCredentialSpecName: 1, gmsaCredentialSpec: 2, runAsUserName: 3, hostProcess: 4 },
};

/** k8s.io.apimachinery.pkg.apis.meta.v1 */
export const META_V1: Record<string, UpstreamFields> = {
  Condition: { type: 1, status: 2, observedGeneration: 3, lastTransitionTime: 4, reason: 5, message: 6 },
  LabelSelector: { matchLabels: 1, matchExpressions: 2 },
  LabelSelectorRequirement: { key: 1, operator: 2, values: 3 },
  ManagedFieldsEntry: { manager: 1, operation: 2, apiVersion: 3, time: 4, fieldsType: 6, fieldsV1: 7, subresource: 8 },
  ObjectMeta: { name: 1, generateName: 2, namespace: 3, selfLink: 4, uid: 5, resourceVersion: 6, generation: 7, creationTimestamp: 8, deletionTimestamp: 9, deletionGracePeriodSeconds: 10, labels: 11, annotations: 12, ownerReferences: 13, finalizers: 14, managedFields: 17 },
  OwnerReference: { kind: 1, name: 3, uid: 4, apiVersion: 5, controller: 6, blockOwnerDeletion: 7 },
};
