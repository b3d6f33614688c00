/**
 * The CA and serving certificate behind the manifests, created once by
 * `skai-gen generate --certs` and reused on every later run (`verify
 * --cert-dir` only reads them), so generating stays deterministic. A command
 * step: the pipeline asks for them once it knows the Service's names, and the
 * emitters get their text, never the folder. Files in `dir`: ca.crt, ca.key,
 * tls.crt, tls.key. The CA key stays here and never enters the manifests.
 * Certificates are made by the runtime's PKI (node:crypto keys, ECDSA P-256).
 */
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCA, createServingCertificate } from "@skai-gen/runtime/server/certs";
import type { CertificateSubject, ManifestCertificatesPem } from "../pipeline.js";

const DAY_MS = 86_400_000;
/** Renew a serving certificate with less than this left, as cert-manager's default renewBefore. */
const RENEW_BEFORE_MS = 30 * DAY_MS;

export interface CertificateFiles {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
}

function certificateFiles(dir: string): CertificateFiles {
  return { caCert: join(dir, "ca.crt"), caKey: join(dir, "ca.key"), servingCert: join(dir, "tls.crt"), servingKey: join(dir, "tls.key") };
}

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function usable(certPem: string, hosts: string[], caPem?: string): boolean {
  const cert = new X509Certificate(certPem);
  if (Date.parse(cert.validTo) < Date.now() + RENEW_BEFORE_MS) return false;
  if (!hosts.every((h) => cert.checkHost(h) !== undefined)) return false;
  return !caPem || cert.verify(new X509Certificate(caPem).publicKey);
}

/** Reads the certificates from `dir` without creating anything; undefined when incomplete. */
export function readManifestCertificates(dir: string): ManifestCertificatesPem | undefined {
  const f = certificateFiles(dir);
  const caPem = read(f.caCert);
  const servingCertPem = read(f.servingCert);
  const servingKeyPem = read(f.servingKey);
  return caPem && servingCertPem && servingKeyPem ? { caPem, servingCertPem, servingKeyPem } : undefined;
}

/**
 * The certificates for the installation's Service, from `dir`, creating what is missing:
 * the CA once (kept while valid), the serving certificate when absent, close
 * to expiry, not for the Service's names, or not signed by the CA.
 */
export function ensureManifestCertificates(dir: string, { hosts, caName }: CertificateSubject): ManifestCertificatesPem {
  const f = certificateFiles(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let caPem = read(f.caCert);
  let caKeyPem = read(f.caKey);
  if (!caPem || !caKeyPem || Date.parse(new X509Certificate(caPem).validTo) < Date.now() + 365 * DAY_MS) {
    const ca = createCA(caName);
    caPem = ca.certPem;
    caKeyPem = ca.keyPem;
    writeFileSync(f.caCert, caPem, { mode: 0o644 });
    writeFileSync(f.caKey, caKeyPem, { mode: 0o600 });
  }
  let servingCertPem = read(f.servingCert);
  let servingKeyPem = read(f.servingKey);
  if (!servingCertPem || !servingKeyPem || !usable(servingCertPem, hosts, caPem)) {
    const serving = createServingCertificate({ certPem: caPem, keyPem: caKeyPem }, hosts, 365, hosts[0]);
    servingCertPem = serving.certPem;
    servingKeyPem = serving.keyPem;
    writeFileSync(f.servingCert, servingCertPem, { mode: 0o644 });
    writeFileSync(f.servingKey, servingKeyPem, { mode: 0o600 });
  }
  return { caPem, servingCertPem, servingKeyPem };
}
