import type { Resource, LocalObjectReference, int32 } from "skai-gen/definitions";
import type { CommonStatus, ComputeResources } from "./common.js";

/**
 * InferenceService serves a Model behind an autoscaled HTTP endpoint.
 * @scope Namespaced
 * @shortName isvc
 * @category skai
 * @category all
 * @printColumn name=Model type=string jsonPath=.spec.model.name
 * @printColumn name=URL type=string jsonPath=.status.url
 * @printColumn name=Ready type=integer jsonPath=.status.readyReplicas
 * @printColumn name=Canary type=integer jsonPath=.spec.canaryTrafficPercent priority=1
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 * @subresource scale specReplicasPath=.spec.replicas statusReplicasPath=.status.replicas labelSelectorPath=.status.selector
 * @subresource log selector=.status.selector
 */
export interface InferenceService extends Resource<InferenceServiceSpec, InferenceServiceStatus> {}

/** InferenceServiceSpec is the desired state of an InferenceService. */
export interface InferenceServiceSpec {
  /** The Model to serve, in the same namespace. */
  model: LocalObjectReference;
  /** Serving runtime that loads the model. */
  runtime: "Triton" | "vLLM" | "TorchServe" | "TFServing" | "SKLearnServer";
  /**
   * Number of serving replicas when not autoscaled.
   * @minimum 0
   * @default 1
   */
  replicas?: int32;
  /** Autoscaling bounds. */
  autoscaling?: Autoscaling;
  /**
   * Percent of traffic sent to the canary model.
   * @minimum 0
   * @maximum 100
   * @default 0
   */
  canaryTrafficPercent?: int32;
  /** The Model that receives canary traffic. */
  canaryModel?: LocalObjectReference;
  /** Compute for each replica. */
  resources?: ComputeResources;
}

/**
 * Autoscaling bounds for an InferenceService.
 * @rule self.minReplicas <= self.maxReplicas "minReplicas must not exceed maxReplicas"
 */
export interface Autoscaling {
  /** @minimum 0 @default 1 */
  minReplicas: int32;
  /** @minimum 1 @maximum 1000 */
  maxReplicas: int32;
  /**
   * Target concurrent requests per replica.
   * @minimum 1
   * @default 10
   */
  targetConcurrency?: int32;
}

/** InferenceServiceStatus is the observed state of an InferenceService. */
export interface InferenceServiceStatus extends CommonStatus {
  /** URL the service answers at. */
  url?: string;
  /** Replicas that exist. */
  replicas?: int32;
  /** Replicas ready to serve. */
  readyReplicas?: int32;
  /** Label selector of the serving pods, for the scale subresource. */
  selector?: string;
}
