import type { Resource, Quantity, int32 } from "skai-gen/definitions";
import type { CommonStatus } from "./common.js";

/**
 * Queue admits workloads from a set of namespaces against a quota of GPUs,
 * CPU and memory.
 * @scope Cluster
 * @shortName q
 * @category skai
 * @printColumn name=GPUs type=integer jsonPath=.spec.quota.gpus
 * @printColumn name=Priority type=integer jsonPath=.spec.priority
 * @printColumn name=Admitted type=integer jsonPath=.status.admittedWorkloads
 * @printColumn name=Pending type=integer jsonPath=.status.pendingWorkloads priority=1
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 */
export interface Queue extends Resource<QueueSpec, QueueStatus> {}

/** QueueSpec is the desired state of a Queue. */
export interface QueueSpec {
  /** Resources the queue may hand out at once. */
  quota: ResourceQuota;
  /**
   * Higher-priority queues are served first.
   * @minimum -1000
   * @maximum 1000
   * @default 0
   */
  priority?: int32;
  /**
   * Namespaces whose workloads may use the queue.
   * @listType set
   * @minItems 1
   */
  namespaces: string[];
  /** Let workloads borrow unused quota from other queues. @default false */
  allowBorrowing?: boolean;
}

/** Quota of a Queue. */
export interface ResourceQuota {
  /** @minimum 0 */
  gpus: int32;
  /** CPU cores, as a quantity. */
  cpu?: Quantity;
  /** Memory, as a quantity. */
  memory?: Quantity;
}

/** QueueStatus is the observed state of a Queue. */
export interface QueueStatus extends CommonStatus {
  /** Workloads admitted and running. */
  admittedWorkloads?: int32;
  /** Workloads waiting for quota. */
  pendingWorkloads?: int32;
  /** GPUs in use. */
  usedGpus?: int32;
}
