/**
 * x509 client-certificate authentication against the client CA, as kube's
 * authentication/request/x509 with CommonNameUserConversion: user = subject
 * CN, groups = subject O, extra credential-id = the certificate's SHA-256.
 */
import type { X509Certificate } from "node:crypto";
import type { UserInfo } from "../api/request.js";
import { AuthenticationError, type Authenticator } from "./authenticator.js";
import { cachedPerConnection } from "./connection-cache.js";
import { credentialId, peerCertificates, subjectValues, verifyClientChain } from "./x509-verify.js";

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
      const verdict = cachedPerConnection(req, "x509", cfg, () => {
        const result = verifyClientChain(peers, cfg.caCerts);
        return result.ok ? "" : `verifying certificate ${subjectValues(peers[0]!, "CN")[0] ?? ""} failed: ${result.reason}`;
      });
      if (verdict) throw new AuthenticationError(verdict);
      const leaf = peers[0]!;
      const name = subjectValues(leaf, "CN")[0] ?? "";
      if (!name) throw new AuthenticationError("common name of user is empty");
      return {
        name,
        groups: subjectValues(leaf, "O"),
        extra: { "authentication.kubernetes.io/credential-id": [credentialId(leaf)] },
      };
    },
  };
}
