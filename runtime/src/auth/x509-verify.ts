/**
 * Client-certificate chain verification against a CA bundle that can change at
 * runtime. Node's TLS only verifies against the server's `ca` option, fixed
 * per secure context, and the serving layer accepts unverified certificates
 * (requestCert without rejectUnauthorized) so that one listener serves both
 * CAs; so we verify here, as Go's x509.Certificate.Verify does for kube's
 * request-header and client-cert authenticators (DefaultVerifyOptions:
 * ExtKeyUsageClientAuth, current time).
 */
import { X509Certificate, createHash } from "node:crypto";
import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from "node:tls";
import type { IncomingMessage } from "node:http";
import { BoundedMap } from "../apimachinery/bounded-map.js";

const OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const OID_ANY_EKU = "2.5.29.37.0";
const MAX_CHAIN = 8;
/** Distinct certificates, and chains per CA bundle, remembered across connections; beyond, the oldest is forgotten. */
const MAX_REMEMBERED = 1024;

/** The certificates of a PEM bundle; unparsable blocks are skipped, as Go's AppendCertsFromPEM does. */
export function parseCABundle(pem: string | undefined): X509Certificate[] {
  if (!pem) return [];
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      // skipped like Go; a bundle with no usable certificate then authenticates nobody
    }
  }
  return certs;
}

const peerChains = new WeakMap<object, X509Certificate[]>();

/**
 * Parsed certificates by SHA-256 fingerprint, shared by all connections: a front proxy presents
 * the same certificate on every connection it opens, and OpenSSL 3 spends over a million
 * instructions parsing one (mostly decoding its public key), more than hundreds of requests cost.
 */
const parsedCertificates = new BoundedMap<string, X509Certificate>(MAX_REMEMBERED);

/**
 * Leaf first, then whatever intermediates the client sent (node links them
 * via issuerCertificate). Parsed once per connection: a connection's peer
 * certificate cannot change.
 */
export function peerCertificates(req: IncomingMessage): X509Certificate[] {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerCertificate !== "function") return [];
  let chain = peerChains.get(socket);
  if (!chain) {
    chain = readPeerChain(socket);
    peerChains.set(socket, chain);
  }
  return chain;
}

function readPeerChain(socket: TLSSocket): X509Certificate[] {
  const first = socket.getPeerCertificate(true) as DetailedPeerCertificate | PeerCertificate;
  if (!first || !("raw" in first) || !first.raw) return [];
  const seen = new Set<string>();
  const chain: X509Certificate[] = [];
  let current: DetailedPeerCertificate | undefined = first as DetailedPeerCertificate;
  while (current?.raw && chain.length < MAX_CHAIN) {
    const fp = current.fingerprint256;
    if (seen.has(fp)) break;
    seen.add(fp);
    let cert = parsedCertificates.get(fp);
    if (!cert) {
      cert = new X509Certificate(current.raw);
      parsedCertificates.set(fp, cert);
    }
    chain.push(cert);
    current = current.issuerCertificate;
  }
  return chain;
}

function validAt(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

/** Go: a certificate without the EKU extension allows any usage; with it, clientAuth or anyExtendedKeyUsage. */
function allowsClientAuth(cert: X509Certificate): boolean {
  const usages = cert.keyUsage;
  return !usages || usages.length === 0 || usages.includes(OID_CLIENT_AUTH) || usages.includes(OID_ANY_EKU);
}

function issues(issuer: X509Certificate, cert: X509Certificate): boolean {
  return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

export type VerifyResult = { ok: true; leaf: X509Certificate } | { ok: false; reason: string };

/**
 * Builds a chain from the leaf through the presented intermediates to one of
 * `roots`, checking signatures, CA flags, validity and clientAuth usage on
 * every link.
 */
export function verifyClientChain(presented: X509Certificate[], roots: X509Certificate[], now = Date.now()): VerifyResult {
  const leaf = presented[0];
  if (!leaf) return { ok: false, reason: "no client certificate" };
  if (roots.length === 0) return { ok: false, reason: "no CA configured" };
  const intermediates = presented.slice(1).filter((c) => !roots.some((r) => r.fingerprint256 === c.fingerprint256));

  const build = (cert: X509Certificate, depth: number, path: Set<string>): boolean => {
    if (!validAt(cert, now) || !allowsClientAuth(cert)) return false;
    if (roots.some((r) => r.fingerprint256 === cert.fingerprint256)) return true;
    for (const root of roots) {
      if (validAt(root, now) && allowsClientAuth(root) && issues(root, cert)) return true;
    }
    if (depth >= MAX_CHAIN) return false;
    for (const next of intermediates) {
      if (path.has(next.fingerprint256) || !issues(next, cert)) continue;
      path.add(next.fingerprint256);
      if (build(next, depth + 1, path)) return true;
      path.delete(next.fingerprint256);
    }
    return false;
  };

  if (!validAt(leaf, now)) return { ok: false, reason: "x509: certificate has expired or is not yet valid" };
  if (!allowsClientAuth(leaf)) return { ok: false, reason: "x509: certificate specifies an incompatible key usage" };
  return build(leaf, 0, new Set([leaf.fingerprint256]))
    ? { ok: true, leaf }
    : { ok: false, reason: "x509: certificate signed by unknown authority" };
}

/** A chain that verified against a bundle, until the first of the certificates involved expires. */
interface Verified {
  result: VerifyResult;
  until: number;
}

/** Per CA bundle (bundles are replaced, never changed), by the presented chain's fingerprints. */
const verifiedChains = new WeakMap<X509Certificate[], BoundedMap<string, Verified>>();

/**
 * verifyClientChain, remembering chains that verify so that a client's next connection skips
 * the signature checks (each also decodes the issuer's public key). Only successes are kept, and
 * only while every certificate of the chain and the bundle is still valid: a failure may be
 * the certificate not being valid yet, and an expired one must fail.
 */
export function verifyClientChainCached(presented: X509Certificate[], roots: X509Certificate[], now = Date.now()): VerifyResult {
  let byChain = verifiedChains.get(roots);
  if (!byChain) {
    byChain = new BoundedMap(MAX_REMEMBERED);
    verifiedChains.set(roots, byChain);
  }
  const key = presented.map((cert) => cert.fingerprint256).join(",");
  const known = byChain.get(key);
  if (known && now <= known.until) return known.result;
  const result = verifyClientChain(presented, roots, now);
  if (result.ok) {
    let until = Infinity;
    for (const cert of [...presented, ...roots]) until = Math.min(until, Date.parse(cert.validTo));
    byChain.set(key, { result, until });
  } else if (known) byChain.delete(key);
  return result;
}

/** Subject attribute values in order, e.g. all `O` entries. */
export function subjectValues(cert: X509Certificate, attribute: "CN" | "O"): string[] {
  return cert.subject
    .split("\n")
    .filter((line) => line.startsWith(`${attribute}=`))
    .map((line) => line.slice(attribute.length + 1));
}

/** `X509SHA256=<hex>`, the credential id kube puts in the user's extra. */
export function credentialId(cert: X509Certificate): string {
  return `X509SHA256=${createHash("sha256").update(cert.raw).digest("hex")}`;
}
