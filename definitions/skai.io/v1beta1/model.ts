import type { Resource, Time } from "skai-gen/definitions";
import type { CommonStatus, Framework } from "./common.js";

/**
 * Model is a trained model artifact registered with the platform.
 * @scope Namespaced
 * @shortName mdl
 * @category skai
 * @printColumn name=Framework type=string jsonPath=.spec.framework
 * @printColumn name=Version type=string jsonPath=.spec.version
 * @printColumn name=Storage type=string jsonPath=.spec.storageUri priority=1
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 */
export interface Model extends Resource<ModelSpec, ModelStatus> {}

/** ModelSpec is the desired state of a Model. */
export interface ModelSpec {
  /** Framework the model was trained with. */
  framework: Framework | "ONNX" | "SKLearn";
  /**
   * URI of the model's files.
   * @minLength 1
   * @pattern ^(s3|gs|https?|pvc|hf)://
   */
  storageUri: string;
  /**
   * Semantic version of the model.
   * @pattern ^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$
   * @example "1.4.0"
   */
  version: string;
  /**
   * Free-form tags, such as the task or the training data.
   * @maxProperties 32
   */
  tags?: Record<string, string>;
  /** Name of the TrainingJob that produced the model, if any. */
  trainingJobName?: string;
}

/** ModelStatus is the observed state of a Model. */
export interface ModelStatus extends CommonStatus {
  /** Whether the model's files were found and verified. */
  verified?: boolean;
  /** SHA-256 digest of the model's files. */
  digest?: string;
  /** When the model was registered. */
  registeredTime?: Time;
}
