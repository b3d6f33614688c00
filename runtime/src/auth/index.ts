export { createDelegatedAuth, DEFAULT_ANONYMOUS_PATHS, type DelegatedAuth, type DelegatedAuthOptions } from "./delegated.js";
export { delegatedAuthFlags, delegatedAuthOptionsFromFlags, parseDuration, type FlagDefinition, type FlagValues } from "./flags.js";
export { AuthenticationConfigSource, AUTHENTICATION_CONFIGMAP, type AuthenticationFlags } from "./authentication-config.js";
export { AuthenticationError, type Authenticator } from "./authenticator.js";
export { createRequestHeaderAuthenticator, type RequestHeaderConfig } from "./request-header.js";
export { createClientCertAuthenticator, type ClientCertConfig } from "./client-cert.js";
export { createTokenReviewAuthenticator, bearerToken } from "./token-review.js";
export {
  createSubjectAccessReviewAuthorizer,
  subjectAccessReviewSpec,
  DEFAULT_ALWAYS_ALLOW_PATHS,
  type Decision,
  type SubjectAccessReviewAuthorizer,
} from "./authorizer.js";
export { forbiddenError } from "./forbidden.js";
export { parseCABundle, verifyClientChain, peerCertificates } from "./x509-verify.js";
