/**
 * x509 client-certificate authentication against the client CA, as kube's
 * authentication/request/x509 with CommonNameUserConversion: user = subject
 * CN, groups = subject O, extra credential-id = the certificate's SHA-256.
 */
import type { X509Certificate } from "node:crypto";
import type { UserInfo } from "../api/request.js";
import { AuthenticationError, type Authenticator, frozenUser } from "./authenticator.js";
import { cachedPerConnection } from "./connection-cache.js";
import { credentialId, peerCertificates, subjectValues, verifyClientChainCached } from "./x509-verify.js";

export interface ClientCertConfig {
  caCerts: X509Certificate[];
}

export function createClientCertAuthenticator(config: () => ClientCertConfig | undefined): Authenticator {
  return {
    name: "x509",
    authenticate(req): UserInfo | null {
      const cfg = config();
      if (!cfg || cfg.caCerts.length === 0) return null;
      const peers = peerCertificates(req);
      if (peers.length === 0) return null;
      // The user, or the error to throw again on every request: neither can change while the certificate cannot.
      const outcome = cachedPerConnection(req, "x509", cfg, (): UserInfo | AuthenticationError => {
        const result = verifyClientChainCached(peers, cfg.caCerts);
        if (!result.ok) return new AuthenticationError(`verifying certificate ${subjectValues(peers[0]!, "CN")[0] ?? ""} failed: ${result.reason}`);
        const leaf = peers[0]!;
        const name = subjectValues(leaf, "CN")[0] ?? "";
        if (!name) return new AuthenticationError("common name of user is empty");
        return frozenUser({
          name,
          groups: subjectValues(leaf, "O"),
          extra: { "authentication.kubernetes.io/credential-id": [credentialId(leaf)] },
        });
      });
      if (outcome instanceof AuthenticationError) throw outcome;
      return outcome;
    },
  };
}
