import type { Resource, int32, int64, Time } from "skai-gen/definitions";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { CommonStatus, Framework } from "./common.js";

/**
 * TrainingJob runs distributed training of a model over a set of workers.
 * @scope Namespaced
 * @shortName tj
 * @category skai
 * @category all
 * @printColumn name=Framework type=string jsonPath=.spec.framework
 * @printColumn name=Workers type=integer jsonPath=.spec.workers.replicas
 * @printColumn name=Active type=integer jsonPath=.status.activeWorkers
 * @printColumn name=Phase type=string jsonPath=.status.phase
 * @printColumn name=Started type=date jsonPath=.status.startTime priority=1
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 * @subresource scale specReplicasPath=.spec.workers.replicas statusReplicasPath=.status.activeWorkers labelSelectorPath=.status.selector
 * @subresource log
 * @selectableField .spec.framework
 * @selectableField .status.phase
 */
export interface TrainingJob extends Resource<TrainingJobSpec, TrainingJobStatus> {}

/** TrainingJobSpec is the desired state of a TrainingJob. */
export interface TrainingJobSpec {
  /** Framework whose launcher runs the workers. */
  framework: Framework;
  /** The worker pool. */
  workers: WorkerPool;
  /** Pod template every worker is created from. */
  template: PodTemplateSpec;
  /** How the job is run and retried. */
  runPolicy?: RunPolicy;
  /**
   * Name of the Queue the job is admitted through.
   * @immutable
   */
  queueName?: string;
}

/**
 * A pool of identical workers, optionally elastic.
 * @rule !has(self.elastic) || self.elastic.minReplicas <= self.elastic.maxReplicas "elastic.minReplicas must not exceed elastic.maxReplicas"
 */
export interface WorkerPool {
  /**
   * Number of workers.
   * @minimum 1
   * @maximum 1024
   * @default 1
   */
  replicas?: int32;
  /** Bounds within which the job may resize itself. */
  elastic?: ElasticPolicy;
}

/** Bounds of an elastic worker pool. */
export interface ElasticPolicy {
  /** @minimum 1 */
  minReplicas: int32;
  /** @minimum 1 @maximum 1024 */
  maxReplicas: int32;
}

/** How the job is run and retried. */
export interface RunPolicy {
  /**
   * Number of retries before the job is marked failed.
   * @minimum 0
   * @default 3
   */
  backoffLimit?: int32;
  /**
   * Seconds the job may run before the system tries to terminate it.
   * @exclusiveMinimum 0
   */
  activeDeadlineSeconds?: int64;
  /**
   * Seconds after the job finishes before it is deleted.
   * @minimum 0
   */
  ttlSecondsAfterFinished?: int32;
}

/** The phases a training job goes through. */
export type TrainingJobPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Suspended";

/** TrainingJobStatus is the observed state of a TrainingJob. */
export interface TrainingJobStatus extends CommonStatus {
  /** Where the job is in its life. */
  phase?: TrainingJobPhase;
  /** Number of workers running. */
  activeWorkers?: int32;
  /** Label selector of the workers' pods, for the scale subresource. */
  selector?: string;
  /** When the first worker started. */
  startTime?: Time;
  /** When the job finished. */
  completionTime?: Time;
}
