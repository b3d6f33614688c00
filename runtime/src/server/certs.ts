/**
 * Local PKI for standalone serving: a CA, a serving certificate and an admin
 * client certificate, built with node:crypto keys (ECDSA P-256) and our own
 * DER encoder, since Node can parse X.509 but not create it. No openssl at run
 * time. Certificates carry what Go's crypto/x509 verification (kubectl) needs:
 * basicConstraints, keyUsage, extKeyUsage, subjectAltName, SKI/AKI.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import * as der from "./der.js";

const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

const DAY = 24 * 3600 * 1000;

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface Subject {
  commonName: string;
  organizations?: string[];
}

function name(subject: Subject): Buffer {
  // One RDN per attribute, as OpenSSL writes them; O may repeat (one per group).
  const rdn = (type: string, value: string) => der.set(der.sequence(der.oid(type), der.utf8String(value)));
  return der.sequence(
    ...(subject.organizations ?? []).map((o) => rdn(OID.organization, o)),
    rdn(OID.commonName, subject.commonName),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 method 1), as Go's CreateCertificate does. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: "spki", format: "der" });
  const outer = der.readTLV(spki, 0);
  const algorithm = der.readTLV(spki, outer.start);
  const bits = der.readTLV(spki, algorithm.end);
  // Skip the BIT STRING's unused-bits byte.
  return createHash("sha1").update(spki.subarray(bits.start + 1, bits.end)).digest();
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  // IPv6: expand "::" and any embedded IPv4 tail into 8 groups.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ip.slice(v4.index).split(".").map(Number);
    text = text.slice(0, v4.index) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function subjectAltNames(hosts: string[]): Buffer {
  return der.sequence(
    ...hosts.map((h) => (isIP(h) ? der.implicitPrimitive(7, ipBytes(h)) : der.implicitPrimitive(2, Buffer.from(h, "ascii")))),
  );
}

interface Issuer {
  subject: Buffer;
  key: KeyObject;
  keyId: Buffer;
}

interface CertificateSpec {
  subject: Subject;
  publicKey: KeyObject;
  issuer?: Issuer;
  signingKey: KeyObject;
  days: number;
  isCA: boolean;
  extKeyUsage?: string[];
  hosts?: string[];
  now?: Date;
}

function createCertificate(spec: CertificateSpec): string {
  const now = spec.now ?? new Date();
  // A little back-dating absorbs clock skew between machines.
  const notBefore = new Date(Math.floor((now.getTime() - 3600_000) / 1000) * 1000);
  const notAfter = new Date(Math.floor((now.getTime() + spec.days * DAY) / 1000) * 1000);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01; // positive and without leading zero bytes
  const subject = name(spec.subject);
  const keyId = keyIdentifier(spec.publicKey);
  const signatureAlgorithm = der.sequence(der.oid(OID.ecdsaWithSHA256));

  const extensions = [
    extension(OID.keyUsage, true, der.namedBits(spec.isCA ? [KU.digitalSignature, KU.keyCertSign, KU.cRLSign] : [KU.digitalSignature, KU.keyEncipherment])),
    ...(spec.extKeyUsage ? [extension(OID.extKeyUsage, false, der.sequence(...spec.extKeyUsage.map(der.oid)))] : []),
    extension(OID.basicConstraints, true, spec.isCA ? der.sequence(der.boolean(true)) : der.sequence()),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyId)),
    ...(spec.issuer ? [extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, spec.issuer.keyId)))] : []),
    ...(spec.hosts?.length ? [extension(OID.subjectAltName, false, subjectAltNames(spec.hosts))] : []),
  ];

  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    signatureAlgorithm,
    spec.issuer ? spec.issuer.subject : subject,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    subject,
    spec.publicKey.export({ type: "spki", format: "der" }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign("sha256", tbs, { key: spec.signingKey, dsaEncoding: "der" });
  return toPEM("CERTIFICATE", der.sequence(tbs, signatureAlgorithm, der.bitStringBytes(signature)));
}

function toPEM(label: string, body: Buffer): string {
  const b64 = body.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("ec", { namedCurve: "P-256" });
}

function keyPEM(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }) as string;
}

/** The subject Name bytes of a PEM certificate (to use verbatim as the issuer of what it signs). */
function subjectOf(certPem: string): Buffer {
  const raw = new X509Certificate(certPem).raw;
  const cert = der.readTLV(raw, 0);
  let at = der.readTLV(raw, cert.start).start; // inside TBSCertificate
  const skip = () => (at = der.readTLV(raw, at).end);
  if (raw[at] === 0xa0) skip(); // version
  skip(); // serial
  skip(); // signature algorithm
  skip(); // issuer
  skip(); // validity
  const subject = der.readTLV(raw, at);
  return raw.subarray(at, subject.end);
}

function issuerFrom(ca: CertificateAndKey): Issuer {
  const key = createPrivateKey(ca.keyPem);
  return { subject: subjectOf(ca.certPem), key, keyId: keyIdentifier(createPublicKey(key)) };
}

export function createCA(commonName = "localhost-ca", days = 3650): CertificateAndKey {
  const { privateKey, publicKey } = newKey();
  const certPem = createCertificate({ subject: { commonName }, publicKey, signingKey: privateKey, days, isCA: true });
  return { certPem, keyPem: keyPEM(privateKey) };
}

/** Default SANs of a serving certificate for local use. */
const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1"];

export function createServingCertificate(ca: CertificateAndKey, hosts: string[], days = 365, commonName = "localhost"): CertificateAndKey {
  const issuer = issuerFrom(ca);
  const { privateKey, publicKey } = newKey();
  const all = [...new Set([...LOCAL_HOSTS, ...hosts])];
  const certPem = createCertificate({
    subject: { commonName },
    publicKey,
    issuer,
    signingKey: issuer.key,
    days,
    isCA: false,
    extKeyUsage: [OID.serverAuth],
    hosts: all,
  });
  return { certPem, keyPem: keyPEM(privateKey) };
}

/**
 * A client certificate: CN is the user, each O a group (kube's x509 authenticator); valid for
 * `days` from `issuedAt` (an hour before, for clock skew), so a test can make one already expired.
 */
export function createClientCertificate(ca: CertificateAndKey, user: string, groups: string[], days = 365, issuedAt = new Date()): CertificateAndKey {
  const issuer = issuerFrom(ca);
  const { privateKey, publicKey } = newKey();
  const certPem = createCertificate({
    subject: { commonName: user, organizations: groups },
    publicKey,
    issuer,
    signingKey: issuer.key,
    days,
    isCA: false,
    extKeyUsage: [OID.clientAuth],
    now: issuedAt,
  });
  return { certPem, keyPem: keyPEM(privateKey) };
}

export interface LocalCertificates {
  ca: CertificateAndKey;
  serving: CertificateAndKey;
  admin: CertificateAndKey;
  paths: { caCert: string; servingCert: string; servingKey: string; adminCert: string; adminKey: string };
}

const ADMIN_USER = "admin";
const ADMIN_GROUPS = ["system:masters"];

/** Usable for at least another day. */
function fresh(certPem: string, now = Date.now()): boolean {
  return new Date(new X509Certificate(certPem).validTo).getTime() > now + DAY;
}

function covers(certPem: string, hosts: string[]): boolean {
  const cert = new X509Certificate(certPem);
  return hosts.every((h) => (isIP(h) ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined));
}

function read(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

function write(path: string, content: string, mode: number): void {
  writeFileSync(path, content, { mode });
}

/**
 * Loads the CA, serving and admin certificates from `certDir`, creating
 * whatever is missing, expiring, or (serving) not valid for `hosts`. Files:
 * ca.crt ca.key apiserver.crt apiserver.key admin.crt admin.key.
 */
export function ensureCertificates(certDir: string, hosts: string[] = []): LocalCertificates {
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  const p = {
    caCert: join(certDir, "ca.crt"),
    caKey: join(certDir, "ca.key"),
    servingCert: join(certDir, "apiserver.crt"),
    servingKey: join(certDir, "apiserver.key"),
    adminCert: join(certDir, "admin.crt"),
    adminKey: join(certDir, "admin.key"),
  };
  const load = (cert: string, key: string): CertificateAndKey | undefined => {
    const certPem = read(cert);
    const keyPem = read(key);
    return certPem && keyPem && fresh(certPem) ? { certPem, keyPem } : undefined;
  };

  let ca = load(p.caCert, p.caKey);
  const renewedCA = !ca;
  if (!ca) {
    ca = createCA();
    write(p.caCert, ca.certPem, 0o644);
    write(p.caKey, ca.keyPem, 0o600);
  }
  const wanted = [...new Set([...LOCAL_HOSTS, ...hosts])];
  let serving = renewedCA ? undefined : load(p.servingCert, p.servingKey);
  if (serving && !covers(serving.certPem, wanted)) serving = undefined;
  if (!serving) {
    serving = createServingCertificate(ca, wanted);
    write(p.servingCert, serving.certPem, 0o644);
    write(p.servingKey, serving.keyPem, 0o600);
  }
  let admin = renewedCA ? undefined : load(p.adminCert, p.adminKey);
  if (!admin) {
    admin = createClientCertificate(ca, ADMIN_USER, ADMIN_GROUPS);
    write(p.adminCert, admin.certPem, 0o644);
    write(p.adminKey, admin.keyPem, 0o600);
  }
  return { ca, serving, admin, paths: p };
}
