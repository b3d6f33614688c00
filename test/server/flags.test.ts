import { test } from "node:test";
import assert from "node:assert/strict";
import { parseServerFlags, serverUsage } from "../../runtime/src/server/flags.js";
import { parseGoDuration } from "@skai-gen/client/duration";

/** The generated server passes these from its configuration. */
const DEFAULTS = { stateDir: ".shop", etcdPrefix: "/registry/shop.example.com" };

test("defaults follow kube-apiserver, with local-development bind address and paths in the server's state folder", () => {
  assert.deepEqual(parseServerFlags([], DEFAULTS), {
    securePort: 8443,
    bindAddress: "127.0.0.1",
    tlsCertFile: undefined,
    tlsPrivateKeyFile: undefined,
    clientCAFile: undefined,
    tlsSANs: [],
    storage: "sqlite:.shop/data.db",
    etcdPrefix: "/registry/shop.example.com",
    etcdCAFile: undefined,
    etcdCertFile: undefined,
    etcdKeyFile: undefined,
    watchCache: true,
    certDir: ".shop/certs",
    kubeconfigOut: ".shop/kubeconfig",
    maxRequestsInflight: 400,
    maxMutatingRequestsInflight: 200,
    requestTimeoutMs: 60_000,
    delegatedAuth: false,
    authFlags: {},
    help: false,
  });
});

test("delegated auth is on with --delegated-auth or any kube-apiserver connection flag", () => {
  assert.equal(parseServerFlags(["--delegated-auth"], DEFAULTS).delegatedAuth, true);
  const f = parseServerFlags(["--requestheader-client-ca-file=rh.crt", "--requestheader-allowed-names=front-proxy-client", "--client-ca-file=ca.crt"], DEFAULTS);
  assert.equal(f.delegatedAuth, true);
  assert.deepEqual(f.authFlags, { "requestheader-client-ca-file": "rh.crt", "requestheader-allowed-names": ["front-proxy-client"], "client-ca-file": "ca.crt" });
  // A client CA alone stays standalone.
  assert.equal(parseServerFlags(["--client-ca-file=ca.crt"], DEFAULTS).delegatedAuth, false);
});

test("flags take --flag value and --flag=value", () => {
  const f = parseServerFlags([
    "--secure-port=9443",
    "--bind-address",
    "0.0.0.0",
    "--storage=memory:",
    "--tls-cert-file=a.crt",
    "--tls-private-key-file",
    "a.key",
    "--client-ca-file=ca.crt",
    "--tls-san=api.skai.svc",
    "--tls-san=10.0.0.1",
    "--max-requests-inflight=0",
    "--request-timeout=1m30s",
  ], DEFAULTS);
  assert.equal(f.securePort, 9443);
  assert.equal(f.bindAddress, "0.0.0.0");
  assert.equal(f.storage, "memory:");
  assert.equal(f.tlsCertFile, "a.crt");
  assert.equal(f.tlsPrivateKeyFile, "a.key");
  assert.equal(f.clientCAFile, "ca.crt");
  assert.deepEqual(f.tlsSANs, ["api.skai.svc", "10.0.0.1"]);
  assert.equal(f.maxRequestsInflight, 0);
  assert.equal(f.requestTimeoutMs, 90_000);
  assert.equal(parseServerFlags(["-h"], DEFAULTS).help, true);
});

test("bad flags are reported", () => {
  assert.throws(() => parseServerFlags(["--nope"], DEFAULTS), /nope/);
  assert.throws(() => parseServerFlags(["--secure-port=abc"], DEFAULTS), /invalid argument "abc" for "--secure-port" flag/);
  assert.throws(() => parseServerFlags(["--secure-port=70000"], DEFAULTS), /at most 65535/);
  assert.throws(() => parseServerFlags(["--tls-cert-file=a.crt"], DEFAULTS), /given together/);
  assert.throws(() => parseServerFlags(["--request-timeout=soon"], DEFAULTS), /time: invalid duration "soon"/);
});

test("Go durations", () => {
  assert.equal(parseGoDuration("60s"), 60_000);
  assert.equal(parseGoDuration("1h2m3.5s"), 3_723_500);
  assert.equal(parseGoDuration("250ms"), 250);
  assert.equal(parseGoDuration("0"), 0);
  assert.throws(() => parseGoDuration("5"), /missing unit/);
  assert.throws(() => parseGoDuration(""), /invalid duration/);
});

test("--help names the program and the defaults it was given", () => {
  const usage = serverUsage({ program: "shop-apiserver", kubeconfigContext: "shop", ...DEFAULTS });
  assert.match(usage, /^Usage: shop-apiserver \[flags\]/);
  assert.match(usage, /--cert-dir path .*\(default \.shop\/certs\)/);
  assert.match(usage, /--kubeconfig-out path .*\(default \.shop\/kubeconfig\)/);
  assert.match(usage, /\(default sqlite:\.shop\/data\.db\)/);
  assert.match(usage, /--etcd-prefix string .*\(default \/registry\/shop\.example\.com\)/);
});
