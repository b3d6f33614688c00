import type { Condition, Quantity, int32 } from "skai-gen/definitions";

/** Compute resources a workload asks for. */
export interface ComputeResources {
  /**
   * CPU cores, as a Kubernetes quantity (`500m`, `2`).
   * @default "1"
   */
  cpu?: Quantity;
  /**
   * Memory, as a Kubernetes quantity (`4Gi`).
   * @default "2Gi"
   */
  memory?: Quantity;
  /**
   * Number of GPUs.
   * @minimum 0
   * @maximum 16
   * @default 0
   */
  gpus?: int32;
  /**
   * GPU model to schedule on, e.g. `nvidia-a100`; any when empty.
   * @maxLength 63
   * @pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
   */
  gpuType?: string;
}

/** An environment variable passed to a workload's containers. */
export interface EnvVar {
  /**
   * Name of the variable.
   * @minLength 1
   * @pattern ^[A-Za-z_][A-Za-z0-9_]*$
   */
  name: string;
  /** Value of the variable. */
  value?: string;
}

/** Conditions shared by every SKAI status, keyed by `type`. */
export interface CommonStatus {
  /**
   * The latest observations of the object's state.
   * @listType map
   * @listMapKey type
   * @maxItems 16
   */
  conditions?: Condition[];
  /** The generation of the spec the controller last acted on. */
  observedGeneration?: int32;
}

/** Machine-learning frameworks SKAI knows how to run. */
export type Framework = "PyTorch" | "TensorFlow" | "MPI" | "XGBoost";
