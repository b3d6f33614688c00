import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCertificates } from "../../runtime/src/server/certs.js";
import * as der from "../../runtime/src/server/der.js";
import { renderKubeconfig } from "../../runtime/src/server/kubeconfig.js";
import { parse as parseYAML } from "yaml";
import { requires } from "../support/requirements.js";


test("DER primitives encode as X.690 says", () => {
  assert.equal(der.oid("1.2.840.10045.2.1").toString("hex"), "06072a8648ce3d0201");
  assert.equal(der.oid("2.5.29.37").toString("hex"), "0603551d25");
  assert.equal(der.unsignedInteger(Buffer.from([0x80])).toString("hex"), "02020080");
  assert.equal(der.unsignedInteger(Buffer.from([0, 0, 5])).toString("hex"), "020105");
  // keyUsage digitalSignature + keyEncipherment: 5 unused bits.
  assert.equal(der.namedBits([0, 2]).toString("hex"), "030205a0");
  // keyCertSign + cRLSign + digitalSignature: 1 unused bit.
  assert.equal(der.namedBits([0, 5, 6]).toString("hex"), "03020186");
  assert.equal(der.tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString("hex"), "0481c8");
  assert.equal(der.time(new Date("2030-01-02T03:04:05Z")).toString("ascii").slice(2), "300102030405Z");
  assert.equal(der.time(new Date("2051-01-02T03:04:05Z")).toString("ascii").slice(2), "20510102030405Z");
});

test("ensureCertificates creates a CA, a serving and an admin certificate that verify", () => {
  const dir = mkdtempSync(join(tmpdir(), "skai-certs-"));
  const certs = ensureCertificates(dir, ["api.skai.svc", "10.1.2.3", "fd00::1"]);
  const ca = new X509Certificate(certs.ca.certPem);
  const serving = new X509Certificate(certs.serving.certPem);
  const admin = new X509Certificate(certs.admin.certPem);
  assert.ok(ca.ca);
  assert.ok(ca.verify(ca.publicKey));
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  assert.ok(admin.checkIssued(ca) && admin.verify(ca.publicKey));
  assert.ok(!serving.ca);
  for (const host of ["localhost", "api.skai.svc"]) assert.equal(serving.checkHost(host), host);
  for (const ip of ["127.0.0.1", "::1", "10.1.2.3", "fd00::1"]) assert.ok(serving.checkIP(ip), ip);
  assert.match(admin.subject, /CN=admin/);
  assert.match(admin.subject, /O=system:masters/);
  assert.equal(statSync(join(dir, "ca.key")).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, "admin.key")).mode & 0o777, 0o600);

  // Second call reuses the files as they are.
  const again = ensureCertificates(dir, ["api.skai.svc"]);
  assert.equal(again.ca.certPem, certs.ca.certPem);
  assert.equal(again.serving.certPem, certs.serving.certPem);
  assert.equal(again.admin.certPem, certs.admin.certPem);
  // A new SAN re-issues only the serving certificate.
  const widened = ensureCertificates(dir, ["other.example"]);
  assert.equal(widened.ca.certPem, certs.ca.certPem);
  assert.notEqual(widened.serving.certPem, certs.serving.certPem);
  assert.equal(readFileSync(join(dir, "apiserver.crt"), "utf8"), widened.serving.certPem);
});

test("openssl agrees about chains and extensions", { skip: requires("openssl") }, () => {
  const dir = mkdtempSync(join(tmpdir(), "skai-certs-"));
  ensureCertificates(dir, ["api.skai.svc"]);
  const verify = execFileSync("openssl", ["verify", "-CAfile", join(dir, "ca.crt"), join(dir, "apiserver.crt"), join(dir, "admin.crt")], { encoding: "utf8" });
  assert.match(verify, /apiserver\.crt: OK/);
  assert.match(verify, /admin\.crt: OK/);
  const text = execFileSync("openssl", ["x509", "-in", join(dir, "apiserver.crt"), "-noout", "-text"], { encoding: "utf8" });
  assert.match(text, /Version: 3/);
  assert.match(text, /TLS Web Server Authentication/);
  assert.match(text, /DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, DNS:api\.skai\.svc/);
  assert.match(text, /CA:FALSE/);
  assert.match(text, /Authority Key Identifier/);
  const caText = execFileSync("openssl", ["x509", "-in", join(dir, "ca.crt"), "-noout", "-text"], { encoding: "utf8" });
  assert.match(caText, /CA:TRUE/);
  assert.match(caText, /Certificate Sign, CRL Sign/);
  const adminText = execFileSync("openssl", ["x509", "-in", join(dir, "admin.crt"), "-noout", "-text"], { encoding: "utf8" });
  assert.match(adminText, /TLS Web Client Authentication/);
  assert.match(adminText, /Subject: O ?= ?system:masters, CN ?= ?admin/);
});

test("the kubeconfig embeds server, CA and client credentials", () => {
  const text = renderKubeconfig({ name: "shop", server: "https://127.0.0.1:8443", caPem: "CA", clientCertPem: "CERT", clientKeyPem: "KEY" });
  const cfg = parseYAML(text);
  assert.equal(cfg["current-context"], "shop");
  assert.equal(cfg.clusters[0].name, "shop");
  assert.equal(cfg.clusters[0].cluster.server, "https://127.0.0.1:8443");
  assert.equal(Buffer.from(cfg.clusters[0].cluster["certificate-authority-data"], "base64").toString(), "CA");
  assert.equal(Buffer.from(cfg.users[0].user["client-key-data"], "base64").toString(), "KEY");
  assert.equal(cfg.users[0].name, "admin");
});
