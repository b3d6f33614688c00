/**
 * The max-in-flight filter (apiserver server/filters/maxinflight.go): separate
 * budgets for read-only and mutating requests, long-running requests not
 * counted, system:masters never rejected. Rejection is kube's plain-text 429.
 */
import type { RequestInfo, UserInfo } from "../api/request.js";
import { PRIVILEGED_GROUP } from "./authorization.js";
import type { RequestMetrics } from "./metrics.js";

const MUTATING_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);
const MUTATING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const TOO_MANY_REQUESTS_MESSAGE = "Too many requests, please try again later.";

export interface InFlightLimits {
  /** 0 disables the limit. */
  readOnly: number;
  mutating: number;
}

export type Release = () => void;

export class InFlightLimiter {
  constructor(
    private readonly limits: InFlightLimits,
    private readonly metrics: RequestMetrics,
  ) {}

  /** A release function when admitted, undefined when the request must get a 429. */
  acquire(info: RequestInfo, method: string, user: UserInfo): Release | undefined {
    const mutating = info.isResourceRequest ? MUTATING_VERBS.has(info.verb) : MUTATING_METHODS.has(method);
    const m = this.metrics;
    if (mutating) {
      if (this.limits.mutating > 0 && m.inflightMutating >= this.limits.mutating && !isPrivileged(user)) return undefined;
      m.inflightMutating++;
      return () => void m.inflightMutating--;
    }
    if (this.limits.readOnly > 0 && m.inflightReadOnly >= this.limits.readOnly && !isPrivileged(user)) return undefined;
    m.inflightReadOnly++;
    return () => void m.inflightReadOnly--;
  }
}

function isPrivileged(user: UserInfo): boolean {
  return user.groups.includes(PRIVILEGED_GROUP);
}
