import type { Resource, Duration, Time } from "skai-gen/definitions";
import type { CommonStatus, ComputeResources, EnvVar } from "./common.js";

/**
 * Notebook is an interactive development environment (a Jupyter server) with
 * compute and datasets attached.
 * @scope Namespaced
 * @shortName nb
 * @category skai
 * @category all
 * @printColumn name=Image type=string jsonPath=.spec.template.image
 * @printColumn name=GPUs type=integer jsonPath=.spec.template.resources.gpus
 * @printColumn name=Phase type=string jsonPath=.status.phase
 * @printColumn name=URL type=string jsonPath=.status.url priority=1
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 * @subresource log podName=.status.podName
 * @subresource exec podName=.status.podName
 * @selectableField .status.phase
 */
export interface Notebook extends Resource<NotebookSpec, NotebookStatus> {}

/** NotebookSpec is the desired state of a Notebook. */
export interface NotebookSpec {
  /** The container that runs the notebook server. */
  template: NotebookTemplate;
  /**
   * Environment variables, unique by name.
   * @listType map
   * @listMapKey name
   * @maxItems 64
   */
  env?: EnvVar[];
  /**
   * Datasets mounted into the notebook, unique by mount path.
   * @listType map
   * @listMapKey mountPath
   */
  datasets?: DatasetMount[];
  /**
   * Stop the notebook after this long without kernel activity.
   * @rule self.matches('^[0-9]+(s|m|h)$') "must be a duration like 30m"
   * @default "1h"
   */
  idleTimeout?: Duration;
  /**
   * Stop the notebook's server while keeping its workspace.
   * @default false
   */
  suspend?: boolean;
  /**
   * Name of the service account the notebook runs as; cannot change once set.
   * @immutable
   */
  serviceAccountName?: string;
}

/** NotebookTemplate describes the container of the notebook server. */
export interface NotebookTemplate {
  /**
   * Container image that runs the notebook server.
   * @minLength 1
   * @maxLength 512
   */
  image: string;
  /** When to pull the image; the cluster's default when unset. New in v1beta1. */
  imagePullPolicy?: ImagePullPolicy;
  /** Compute the notebook gets. */
  resources?: ComputeResources;
}

/** When the kubelet pulls a container image. */
export type ImagePullPolicy = "Always" | "IfNotPresent" | "Never";

/** A dataset mounted into a workload. */
export interface DatasetMount {
  /**
   * Name of a Dataset in the same namespace.
   * @minLength 1
   */
  name: string;
  /**
   * Absolute path of the mount inside the container.
   * @pattern ^/
   */
  mountPath: string;
  /** Mount read-only. @default true */
  readOnly?: boolean;
}

/** The phases a notebook goes through. */
export type NotebookPhase = "Pending" | "Running" | "Stopped" | "Failed";

/** NotebookStatus is the observed state of a Notebook. */
export interface NotebookStatus extends CommonStatus {
  /** Where the notebook is in its life. */
  phase?: NotebookPhase;
  /** URL of the notebook's web interface. */
  url?: string;
  /** Name of the pod that runs the notebook server. */
  podName?: string;
  /** Last time a kernel was busy. */
  lastActivityTime?: Time;
}
