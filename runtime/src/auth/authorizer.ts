/**
 * Delegated authorization, as kube's DelegatingAuthorizationOptions builds it
 * (AS server/options/authorization.go): a union of `system:masters` (always
 * allowed), the always-allowed health paths, and a SubjectAccessReview to
 * kube-apiserver whose answers are cached 10 s allowed / 10 s denied, keyed by
 * the review spec (wire-spec §9.4).
 */
import type { RequestInfo, UserInfo } from "../api/request.js";
import { errors, StatusError } from "../api/status.js";
import type { ClusterConnection } from "../cluster/connection.js";
import {
  createSubjectAccessReview,
  type ResourceAttributes,
  type SubjectAccessReviewSpec,
  type SubjectAccessReviewStatus,
} from "../cluster/reviews.js";
import { SYSTEM_MASTERS } from "./authenticator.js";
import { forbiddenError } from "./forbidden.js";
import { fieldSelectorRequirements, labelSelectorRequirements } from "./selectors.js";
import { TtlCache } from "./ttl-cache.js";
import { CompositeKeys } from "../apimachinery/composite-keys.js";

export interface Decision {
  allowed: boolean;
  /** Why, from the review; appended to the 403 message as kube does. */
  reason: string;
}

export interface AuthorizerOptions {
  /** The --authorization-kubeconfig connection; null = every review-needing request is denied (no opinion). */
  connection: ClusterConnection | null;
  allowedTtlMs?: number;
  deniedTtlMs?: number;
  timeoutMs?: number;
  /** kube's --authorization-always-allow-paths default; a trailing `*` matches a prefix. */
  alwaysAllowPaths?: string[];
  alwaysAllowGroups?: string[];
}

export const DEFAULT_ALWAYS_ALLOW_PATHS = ["/healthz", "/readyz", "/livez"];

const SELECTOR_VERBS = new Set(["list", "watch", "deletecollection"]);

export function pathMatches(path: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith("*") ? path.startsWith(p.slice(0, -1)) : path === p));
}

/** What a review asks about the request: the attributes kube would send (empty ones omitted, as Go's omitempty). */
type ReviewAttributes = Pick<SubjectAccessReviewSpec, "resourceAttributes" | "nonResourceAttributes">;

function reviewAttributes(info: RequestInfo, query?: URLSearchParams): ReviewAttributes {
  if (!info.isResourceRequest) return { nonResourceAttributes: { path: info.path, verb: info.verb } };
  const ra: ResourceAttributes = {};
  if (info.namespace) ra.namespace = info.namespace;
  if (info.verb) ra.verb = info.verb;
  if (info.apiGroup) ra.group = info.apiGroup;
  if (info.apiVersion) ra.version = info.apiVersion;
  if (info.resource) ra.resource = info.resource;
  if (info.subresource) ra.subresource = info.subresource;
  if (info.name) ra.name = info.name;
  if (query && SELECTOR_VERBS.has(info.verb)) {
    const fields = fieldSelectorRequirements(query.get("fieldSelector"));
    if (fields.length) ra.fieldSelector = { requirements: fields };
    const labels = labelSelectorRequirements(query.get("labelSelector"));
    if (labels.length) ra.labelSelector = { requirements: labels };
  }
  return { resourceAttributes: ra };
}

/** Who a review asks about. */
function reviewSubject(user: UserInfo): Omit<SubjectAccessReviewSpec, keyof ReviewAttributes> {
  const subject: Omit<SubjectAccessReviewSpec, keyof ReviewAttributes> = { user: user.name };
  if (user.groups.length) subject.groups = user.groups;
  if (user.extra && Object.keys(user.extra).length) subject.extra = user.extra;
  if (user.uid) subject.uid = user.uid;
  return subject;
}

/** The review spec for a request. */
export function subjectAccessReviewSpec(user: UserInfo, info: RequestInfo, query?: URLSearchParams): SubjectAccessReviewSpec {
  return { ...reviewAttributes(info, query), ...reviewSubject(user) };
}

/** A string and its length, so that a run of them reads back one way only. */
function field(value: string | undefined): string {
  return value ? `${value.length}:${value}` : "0:";
}

/**
 * The review's attributes as a cache key: every field length-prefixed in a fixed order
 * (absent and empty are the same to a review), selectors (list/watch only) as JSON after them.
 * The key reads back one way only and never starts like the subject's JSON that follows it.
 * JSON.stringify of the attributes cost more than the rest of a cached decision.
 */
function attributesKey(attributes: ReviewAttributes): string {
  const n = attributes.nonResourceAttributes;
  if (n) return nonResourceKey(n.path, n.verb);
  const r = attributes.resourceAttributes!;
  const key = resourceKey(r.namespace, r.verb, r.group, r.version, r.resource, r.subresource, r.name);
  return r.fieldSelector || r.labelSelector ? `${key}s${JSON.stringify([r.fieldSelector ?? null, r.labelSelector ?? null])}` : `${key}-`;
}

function nonResourceKey(path: string | undefined, verb: string | undefined): string {
  return `n${field(path)}${field(verb)}`;
}

function resourceKey(...fields: (string | undefined)[]): string {
  return `r${fields.map(field).join("")}`;
}

/**
 * The cache key of a request's review, attributes then subject (as attributesKey + subjectKey),
 * found part by part: made once per distinct request and user rather than built on every one.
 * Selectors (list and watch only) take the long way.
 */
function decisionKeys(): (user: UserInfo, info: RequestInfo, query?: URLSearchParams) => string {
  const resources = new CompositeKeys(([subject, ...fields]) => `${resourceKey(...fields)}-${subject}`);
  const nonResources = new CompositeKeys(([subject, path, verb]) => nonResourceKey(path, verb) + subject);
  return (user, info, query) => {
    const subject = subjectKey(user);
    if (!info.isResourceRequest) return nonResources.key([subject, info.path, info.verb]);
    if (query && SELECTOR_VERBS.has(info.verb) && (query.has("fieldSelector") || query.has("labelSelector"))) {
      return attributesKey(reviewAttributes(info, query)) + subject;
    }
    return resources.key([subject, info.namespace, info.verb, info.apiGroup, info.apiVersion, info.resource, info.subresource, info.name]);
  };
}

const subjectKeys = new WeakMap<UserInfo, string>();
let subjectsKeyed = 0;

/**
 * The review's subject as the second half of a cache key. Authenticators hand out the same
 * frozen user object for the same credentials, and a frozen user cannot change: it gets a
 * short key of its own (`#<n>`), made once, so a cached decision hashes the attributes and a
 * few characters instead of the subject's JSON. Any other user is keyed by that JSON, which
 * starts with `{`: the two kinds never collide, and two objects of one user only cost a
 * second review.
 */
function subjectKey(user: UserInfo): string {
  if (!Object.isFrozen(user)) return JSON.stringify(reviewSubject(user));
  let key = subjectKeys.get(user);
  if (key === undefined) {
    key = `#${++subjectsKeyed}`;
    subjectKeys.set(user, key);
  }
  return key;
}

export interface SubjectAccessReviewAuthorizer {
  /**
   * The decision, synchronous when no review is needed or its answer is cached (a request
   * then waits for no microtask); rejects when the review call itself fails (kube answers 500 then).
   */
  decide(user: UserInfo, info: RequestInfo, query?: URLSearchParams): Decision | Promise<Decision>;
  /** Allows or throws the 403 (or 500) StatusError kube would send. */
  authorize(user: UserInfo, info: RequestInfo, query?: URLSearchParams): Promise<void>;
}

/** allowed and denied both set means denied; neither means no opinion, which is a 403 too. Frozen: the cache hands it to every request it answers. */
function decision(status: SubjectAccessReviewStatus): Decision {
  return Object.freeze({ allowed: status.allowed === true && status.denied !== true, reason: status.reason ?? "" });
}

const ALLOWED: Decision = Object.freeze({ allowed: true, reason: "" });

export function createSubjectAccessReviewAuthorizer(options: AuthorizerOptions): SubjectAccessReviewAuthorizer {
  const cache = new TtlCache<Decision>();
  const allowedTtl = options.allowedTtlMs ?? 10_000;
  const deniedTtl = options.deniedTtlMs ?? 10_000;
  const paths = options.alwaysAllowPaths ?? DEFAULT_ALWAYS_ALLOW_PATHS;
  const groups = options.alwaysAllowGroups ?? [SYSTEM_MASTERS];
  const decisionKey = decisionKeys();

  // Whether a frozen user is in an always-allowed group, worked out once per user object.
  const inAllowedGroup = new WeakMap<UserInfo, boolean>();
  const alwaysAllowed = (user: UserInfo): boolean => {
    let allowed = inAllowedGroup.get(user);
    if (allowed === undefined) {
      allowed = user.groups.some((g) => groups.includes(g));
      if (Object.isFrozen(user) && Object.isFrozen(user.groups)) inAllowedGroup.set(user, allowed);
    }
    return allowed;
  };

  function decide(user: UserInfo, info: RequestInfo, query?: URLSearchParams): Decision | Promise<Decision> {
    if (alwaysAllowed(user)) return ALLOWED;
    if (!info.isResourceRequest && pathMatches(info.path, paths)) return ALLOWED;
    const conn = options.connection;
    if (!conn) return { allowed: false, reason: "" };
    const key = decisionKey(user, info, query);
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    return cache.getOrLoad(
      key,
      () => createSubjectAccessReview(conn, subjectAccessReviewSpec(user, info, query), { timeoutMs: options.timeoutMs ?? 10_000 }).then(decision),
      (d) => (d.allowed ? allowedTtl : deniedTtl),
    );
  }

  return {
    decide,
    async authorize(user, info, query) {
      let decision: Decision;
      try {
        decision = await decide(user, info, query);
      } catch (err) {
        throw err instanceof StatusError ? err : errors.internal(err);
      }
      if (!decision.allowed) throw forbiddenError(user.name, info, decision.reason);
    },
  };
}
