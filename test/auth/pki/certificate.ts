/**
 * X.509 certificates for the aggregation-layer tests, with every knob a test
 * needs and the runtime's PKI (runtime/src/server/certs.ts) does not offer:
 * any extended key usage, validity in the past (expired), arbitrary issuers
 * (rogue CAs, rotated front-proxy CAs). Built with node:crypto keys and a small
 * DER writer.
 * Keys are ECDSA P-256, which Go's crypto/x509 (kube-apiserver) and Node both
 * accept and which is fast to generate in tests.
 */
import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign, X509Certificate, createPrivateKey } from "node:crypto";
import { isIP } from "node:net";
import * as der from "./der.js";

export interface DistinguishedName {
  commonName: string;
  organizations?: string[];
}

export type ExtendedKeyUsage = "serverAuth" | "clientAuth";

export interface CertificateRequest {
  subject: DistinguishedName;
  /** Signs the certificate; absent = self-signed. */
  issuer?: { certPem: string; keyPem: string };
  isCA?: boolean;
  extKeyUsages?: ExtendedKeyUsage[];
  /** DNS names and IP addresses for the subjectAltName extension. */
  hosts?: string[];
  notBefore?: Date;
  /** Defaults to one year (CAs: ten years). */
  validDays?: number;
}

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

const OID = {
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  ecPublicKey: "1.2.840.10045.2.1",
  ecdsaWithSHA256: "1.2.840.10045.4.3.2",
  sha256WithRSA: "1.2.840.113549.1.1.11",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};

function name(dn: DistinguishedName): Buffer {
  const rdn = (type: string, value: string) => der.set(der.sequence(der.oid(type), der.utf8String(value)));
  // Go orders O before CN (pkix.Name.ToRDNSequence); keep the same for familiar `openssl x509 -subject` output.
  return der.sequence(...(dn.organizations ?? []).map((o) => rdn(OID.organization, o)), rdn(OID.commonName, dn.commonName));
}

/** KeyUsage named bits: digitalSignature(0), keyEncipherment(2), keyCertSign(5), cRLSign(6). */
function keyUsageBits(bits: number[]): Buffer {
  const value = bits.reduce((acc, bit) => acc | (0x80 >> bit), 0);
  const unused = 7 - Math.max(...bits);
  return der.bitString(Buffer.from([value]), unused);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function subjectAltName(hosts: string[]): Buffer {
  return der.sequence(
    ...hosts.map((h) => {
      if (isIP(h) === 4) return der.implicitPrimitive(7, Buffer.from(h.split(".").map(Number)));
      if (isIP(h) === 6) return der.implicitPrimitive(7, ipv6Bytes(h));
      return der.implicitPrimitive(2, Buffer.from(h, "ascii"));
    }),
  );
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail] = address.split("::") as [string, string | undefined];
  const groups = (s: string) => (s ? s.split(":") : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return Buffer.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** The subjectPublicKey bits of an SPKI, hashed with SHA-1 as RFC 5280 §4.2.1.2 method (1) says. */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const key = new X509PublicKeyBits(spkiDer).bits;
  return createHash("sha1").update(key).digest();
}

/** Reads the BIT STRING at the end of a SubjectPublicKeyInfo SEQUENCE. */
class X509PublicKeyBits {
  readonly bits: Buffer;
  constructor(spki: Buffer) {
    let offset = 0;
    const readHeader = () => {
      const tag = spki[offset++]!;
      let len = spki[offset++]!;
      if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + spki[offset++]!;
      }
      return { tag, len };
    };
    readHeader(); // outer SEQUENCE
    const alg = readHeader();
    offset += alg.len;
    const bits = readHeader();
    this.bits = spki.subarray(offset + 1, offset + bits.len);
  }
}

function signatureAlgorithm(key: KeyObject): { id: Buffer; hash: string } {
  if (key.asymmetricKeyType === "ec") return { id: der.sequence(der.oid(OID.ecdsaWithSHA256)), hash: "sha256" };
  if (key.asymmetricKeyType === "rsa") return { id: der.sequence(der.oid(OID.sha256WithRSA), der.nullValue()), hash: "sha256" };
  throw new Error(`unsupported issuer key type ${key.asymmetricKeyType}`);
}

export function createCertificate(req: CertificateRequest): CertificateAndKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const issuerKey = req.issuer ? createPrivateKey(req.issuer.keyPem) : privateKey;
  const issuerCert = req.issuer ? new X509Certificate(req.issuer.certPem) : undefined;
  const issuerName = issuerCert ? issuerNameDer(issuerCert) : name(req.subject);
  const issuerSpki = issuerCert ? issuerCert.publicKey.export({ type: "spki", format: "der" }) : spki;

  const notBefore = req.notBefore ?? new Date(Date.now() - 5 * 60_000); // tolerate clock skew between machines
  const days = req.validDays ?? (req.isCA ? 3650 : 365);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);

  const extensions: Buffer[] = [
    extension(OID.keyUsage, true, keyUsageBits(req.isCA ? [0, 5, 6] : [0, 2])),
    extension(OID.basicConstraints, true, der.sequence(...(req.isCA ? [der.boolean(true)] : []))),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyIdentifier(issuerSpki)))),
  ];
  if (req.extKeyUsages?.length) {
    extensions.push(extension(OID.extKeyUsage, false, der.sequence(...req.extKeyUsages.map((u) => der.oid(OID[u])))));
  }
  if (req.hosts?.length) extensions.push(extension(OID.subjectAltName, false, subjectAltName(req.hosts)));

  const alg = signatureAlgorithm(issuerKey);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    der.unsignedInteger(serial),
    alg.id,
    issuerName,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    name(req.subject),
    Buffer.from(spki),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign(alg.hash, tbs, issuerKey);
  const cert = der.sequence(tbs, alg.id, der.bitString(signature));
  return { certPem: toPem("CERTIFICATE", cert), keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** The issuer's subject exactly as encoded in its certificate, so chains match byte for byte. */
function issuerNameDer(cert: X509Certificate): Buffer {
  const raw = cert.raw;
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serial, sigAlg, issuer, validity, subject, ... } }
  let offset = 0;
  const header = () => {
    const start = offset;
    offset++;
    let len = raw[offset++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + raw[offset++]!;
    }
    return { start, contentStart: offset, end: offset + len };
  };
  header(); // Certificate
  header(); // tbsCertificate
  const skip = () => {
    const h = header();
    offset = h.end;
    return h;
  };
  if (raw[offset] === 0xa0) skip(); // version
  skip(); // serial
  skip(); // signature algorithm
  skip(); // issuer
  skip(); // validity
  const subject = skip();
  return Buffer.from(raw.subarray(subject.start, subject.end));
}

export function toPem(label: string, derBytes: Buffer): string {
  const b64 = derBytes.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A CA, as `createCertificate` with isCA and a common name. */
export function createCA(commonName: string, validDays?: number): CertificateAndKey {
  return createCertificate({ subject: { commonName }, isCA: true, validDays });
}
