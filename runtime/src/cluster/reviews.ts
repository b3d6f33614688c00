/**
 * The review and lookup calls a delegated apiserver makes to kube-apiserver,
 * in the shapes of authentication.k8s.io/v1 and authorization.k8s.io/v1
 * (wire-spec §9.3, §9.4).
 */
import type { ClusterConnection, RequestOptions } from "./connection.js";

export interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

export interface SelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  fieldSelector?: { requirements: SelectorRequirement[] };
  labelSelector?: { requirements: SelectorRequirement[] };
}

export interface NonResourceAttributes {
  path: string;
  verb: string;
}

export interface SubjectAccessReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
}

export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

const REVIEW_TIMEOUT_MS = 10_000;

async function create<S>(conn: ClusterConnection, path: string, kind: string, apiVersion: string, spec: unknown, options?: RequestOptions): Promise<S> {
  const res = await conn.request<{ status?: S; message?: string }>(
    "POST",
    path,
    { apiVersion, kind, metadata: { creationTimestamp: null }, spec },
    { timeoutMs: REVIEW_TIMEOUT_MS, ...options },
  );
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`${kind}: HTTP ${res.status}: ${res.body?.message ?? JSON.stringify(res.body)}`);
  }
  return (res.body.status ?? {}) as S;
}

export function createTokenReview(conn: ClusterConnection, spec: { token: string; audiences?: string[] }, options?: RequestOptions) {
  return create<TokenReviewStatus>(conn, "/apis/authentication.k8s.io/v1/tokenreviews", "TokenReview", "authentication.k8s.io/v1", spec, options);
}

export function createSubjectAccessReview(conn: ClusterConnection, spec: SubjectAccessReviewSpec, options?: RequestOptions) {
  return create<SubjectAccessReviewStatus>(
    conn,
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    "SubjectAccessReview",
    "authorization.k8s.io/v1",
    spec,
    options,
  );
}

export interface Namespace {
  metadata: { name: string; resourceVersion?: string; deletionTimestamp?: string };
  status?: { phase?: "Active" | "Terminating" };
}

/** A live GET of one namespace: the namespace, or null on 404. */
export async function getNamespace(conn: ClusterConnection, name: string, options?: RequestOptions): Promise<Namespace | null> {
  const res = await conn.request<Namespace>("GET", `/api/v1/namespaces/${encodeURIComponent(name)}`, undefined, {
    timeoutMs: REVIEW_TIMEOUT_MS,
    ...options,
  });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`get namespace ${name}: HTTP ${res.status}`);
  return res.body;
}

export interface ConfigMap {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}
