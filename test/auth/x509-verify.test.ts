// Client certificates are parsed and verified once per distinct chain, not once per connection,
// and a remembered verification never outlives a certificate or a CA bundle.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { once } from "node:events";
import tls from "node:tls";
import { after, before, test } from "node:test";
import { peerCertificates, verifyClientChainCached } from "../../runtime/src/auth/x509-verify.js";
import { createCA, createClientCertificate, createServingCertificate, type CertificateAndKey } from "../../runtime/src/server/certs.js";

const ca = createCA("clients-ca");
const alice = createClientCertificate(ca, "alice", ["team"]);
const bob = createClientCertificate(ca, "bob", ["team"]);
const DAY = 24 * 3600 * 1000;

let server: tls.Server;
let port: number;
const accepted: tls.TLSSocket[] = [];

before(async () => {
  const serving = createServingCertificate(ca, ["127.0.0.1"]);
  // As the delegated server's listener: client certificates asked for, verified by us, not by TLS.
  server = tls.createServer({ key: serving.keyPem, cert: serving.certPem, requestCert: true, rejectUnauthorized: false }, (socket) => {
    accepted.push(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

/** A new TLS connection presenting `client`; resolves with the server's side of it. */
async function connectAs(client: CertificateAndKey): Promise<{ serverSide: tls.TLSSocket; close: () => void }> {
  const before = accepted.length;
  const socket = tls.connect({ host: "127.0.0.1", port, ca: ca.certPem, cert: client.certPem, key: client.keyPem });
  await once(socket, "secureConnect");
  while (accepted.length === before) await new Promise((resolve) => setImmediate(resolve));
  return { serverSide: accepted[accepted.length - 1]!, close: () => socket.destroy() };
}

const requestOn = (socket: tls.TLSSocket) => ({ socket }) as unknown as IncomingMessage;

test("a certificate presented on a second connection is the one parsed on the first", async () => {
  const first = await connectAs(alice);
  const second = await connectAs(alice);
  const other = await connectAs(bob);
  try {
    const [a1] = peerCertificates(requestOn(first.serverSide));
    const [a2] = peerCertificates(requestOn(second.serverSide));
    const [b] = peerCertificates(requestOn(other.serverSide));
    assert.ok(a1 && a2 && b);
    assert.equal(a1.subject, "O=team\nCN=alice");
    assert.equal(a2, a1, "the same parsed certificate, not a second parse");
    assert.equal(b.subject, "O=team\nCN=bob");
    assert.notEqual(b, a1);
  } finally {
    for (const c of [first, second, other]) c.close();
  }
});

test("a verified chain is remembered per CA bundle, and only while its certificates are valid", () => {
  const roots = [new X509Certificate(ca.certPem)];
  const chain = [new X509Certificate(alice.certPem)];
  const now = Date.now();
  const verified = verifyClientChainCached(chain, roots, now);
  assert.equal(verified.ok, true);
  assert.equal(verifyClientChainCached(chain, roots, now + 1000), verified, "the remembered outcome");

  // past the leaf's expiry the remembered success does not hold
  const afterExpiry = Date.parse(chain[0]!.validTo) + DAY;
  assert.deepEqual(verifyClientChainCached(chain, roots, afterExpiry), { ok: false, reason: "x509: certificate has expired or is not yet valid" });

  // another bundle (a rotated CA) verifies afresh
  const otherRoots = [new X509Certificate(createCA("other-ca").certPem)];
  assert.deepEqual(verifyClientChainCached(chain, otherRoots, now), { ok: false, reason: "x509: certificate signed by unknown authority" });
  assert.equal(verifyClientChainCached(chain, roots, now).ok, true);
});

test("a failure is not remembered: a certificate not yet valid verifies once it is", () => {
  const roots = [new X509Certificate(ca.certPem)];
  const later = createClientCertificate(ca, "carol", [], 30, new Date(Date.now() + 2 * DAY));
  const chain = [new X509Certificate(later.certPem)];
  assert.equal(verifyClientChainCached(chain, roots).ok, false);
  assert.equal(verifyClientChainCached(chain, roots, Date.now() + 3 * DAY).ok, true);
});
