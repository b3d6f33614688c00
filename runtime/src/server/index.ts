/**
 * The serving layer: an HTTPS apiserver in front of the resource handlers,
 * with kube's filter chain, discovery, OpenAPI, health and metrics.
 */
export { createApiServer, type ApiServer, type ApiServerOptions, type TLSMaterial } from "./apiserver.js";
export type { Authenticator } from "./authentication.js";
export { x509Authenticator, firstOf, withAuthenticatedGroup } from "./authentication.js";
export type { Authorizer, Decision } from "./authorization.js";
export { allowAll, forbidden } from "./authorization.js";
export type { HealthCheck } from "./health.js";
export type { OpenAPIDocuments } from "./openapi.js";
export type { VersionInfo } from "./version.js";
export { parseRequestInfo, isLongRunning } from "./request-info.js";
export { RequestMetrics } from "./metrics.js";
export { writeStatus, writeError } from "./responses.js";
export { ensureCertificates, createCA, createServingCertificate, createClientCertificate, type CertificateAndKey, type LocalCertificates } from "./certs.js";
export { writeKubeconfig, renderKubeconfig, type KubeconfigSpec } from "./kubeconfig.js";
export { parseServerFlags, serverUsage, type ServerFlags } from "./flags.js";
export type { ServerNames, FlagDefaults } from "./names.js";
export { runServer, type RunningServer, type RunOptions } from "./run.js";
