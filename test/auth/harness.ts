/**
 * An HTTPS server wired like the serving layer wires delegated auth: request
 * info from the serving layer's parser, then authenticate (401 on null), then
 * authorize (the thrown Status), then a handler that echoes the user and the
 * headers it still sees. Client certificates are requested, not required, and
 * the acceptable-CA list follows the ConfigMap.
 */
import https from "node:https";
import type { AddressInfo } from "node:net";
import { type CertificateAndKey, createCA, createServingCertificate } from "../../runtime/src/server/certs.js";
import { createDelegatedAuth, type DelegatedAuth, type DelegatedAuthOptions } from "../../runtime/src/auth/index.js";
import { StatusError, errors } from "../../runtime/src/api/status.js";
import { parseRequestInfo } from "../../runtime/src/server/request-info.js";
import { FakeKubeApiServer } from "../support/fake-kube-apiserver.js";

export interface Harness {
  kube: FakeKubeApiServer;
  auth: DelegatedAuth;
  port: number;
  /** CA of this server's serving certificate. */
  ca: string;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<DelegatedAuthOptions> = {}, kube?: FakeKubeApiServer): Promise<Harness> {
  kube ??= await new FakeKubeApiServer().start();
  const auth = await createDelegatedAuth({
    kubeconfig: kube.kubeconfigPath(),
    configResyncMs: 60_000,
    onError: () => {},
    ...options,
  });
  const servingCA: CertificateAndKey = createCA("harness-ca");
  const serving = createServingCertificate(servingCA, ["127.0.0.1"], 365, "api");
  const tlsOptions = () => ({ cert: serving.certPem, key: serving.keyPem, ca: auth.clientCABundle() || undefined, requestCert: true, rejectUnauthorized: false });
  const server = https.createServer(tlsOptions(), async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "https://x");
      const info = parseRequestInfo(req.method ?? "GET", url.pathname, url.searchParams);
      const user = await auth.authenticate(req, info);
      if (!user) throw errors.unauthorized();
      await auth.authorize(user, info, url.searchParams);
      const body = JSON.stringify({ user, headers: req.headers, rawHeaders: req.rawHeaders });
      res.writeHead(200, { "Content-Type": "application/json" }).end(body);
    } catch (err) {
      if (!(err instanceof StatusError)) console.error(err);
      const status = err instanceof StatusError ? err.status : errors.internal(err).status;
      res.writeHead(status.code, { "Content-Type": "application/json" }).end(JSON.stringify(status));
    }
  });
  // The acceptable-CA list the TLS handshake advertises follows CA rotation.
  auth.onClientCAChange(() => server.setSecureContext(tlsOptions()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    kube,
    auth,
    port: (server.address() as AddressInfo).port,
    ca: servingCA.certPem,
    async close() {
      auth.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await kube!.stop();
    },
  };
}

export async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}
