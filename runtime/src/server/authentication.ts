/**
 * Authentication. An Authenticator looks at a request and returns the user or
 * null ("not mine", the next one may try). Standalone mode uses client
 * certificates verified against the client CA; front-proxy and token
 * authenticators can be chained in later with `firstOf`.
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { UserInfo } from "../api/request.js";
import { SYSTEM_AUTHENTICATED } from "../auth/authenticator.js";

export { withAuthenticatedGroup } from "../auth/authenticator.js";

export type Authenticator = (req: IncomingMessage) => UserInfo | null | Promise<UserInfo | null>;

const CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";
const ANY_EKU_OID = "2.5.29.37.0";
export const AUTHENTICATED_GROUP = SYSTEM_AUTHENTICATED;

/**
 * x509 client certificates (apiserver authentication/request/x509): the TLS
 * layer already verified the chain against the server's `ca` (the client CA),
 * so `authorized` says whether it chains there. User = CN, groups = O.
 * The result is cached per connection: the certificate cannot change on it.
 *
 * Only use this when the server was given a client CA: without one Node
 * verifies client certificates against the public roots.
 */
export function x509Authenticator(): Authenticator {
  const byConnection = new WeakMap<object, UserInfo | null>();
  return (req) => {
    const socket = req.socket as TLSSocket;
    const cached = byConnection.get(socket);
    if (cached !== undefined) return cached;
    const user = userFromCertificate(socket);
    byConnection.set(socket, user);
    return user;
  };
}

function userFromCertificate(socket: TLSSocket): UserInfo | null {
  if (typeof socket.getPeerCertificate !== "function" || !socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return null;
  // kube verifies with ExtKeyUsage clientAuth; a certificate without the extension allows any usage.
  const eku = (cert as { ext_key_usage?: string[] }).ext_key_usage;
  if (eku && eku.length > 0 && !eku.includes(CLIENT_AUTH_OID) && !eku.includes(ANY_EKU_OID)) return null;
  const cn = first(cert.subject.CN);
  if (!cn) return null;
  const groups = all(cert.subject.O);
  const fingerprint = cert.fingerprint256?.replace(/:/g, "").toLowerCase();
  const user: UserInfo = { name: cn, groups };
  if (fingerprint) user.extra = { "authentication.kubernetes.io/credential-id": [`X509SHA256=${fingerprint}`] };
  return user;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...v] : [v];
}

/** Tries each authenticator in order; the first user found wins (kube's union authenticator). */
export function firstOf(...authenticators: Authenticator[]): Authenticator {
  return async (req) => {
    for (const authenticate of authenticators) {
      const user = await authenticate(req);
      if (user) return user;
    }
    return null;
  };
}
