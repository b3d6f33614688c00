// How the identity headers are read once the front-proxy certificate is verified, as kube's
// k8s.io/apiserver/pkg/authentication/request/headerrequest/requestheader.go: headerValue (the first
// non-empty value of the first username header that has one), allHeaderValues (non-empty values,
// header by header in the configured order) and newExtra (every prefix a header starts with; the
// key lowercased, then path-unescaped). Each request arrives over plain HTTP with the front-proxy
// certificate handed to the socket.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { UserInfo } from "../../runtime/src/api/request.js";
import { removeHeaders } from "../../runtime/src/auth/remove-headers.js";
import { createRequestHeaderAuthenticator, requestHeaderFilter, requestHeaderPrefilter, type RequestHeaderConfig } from "../../runtime/src/auth/request-header.js";
import { createCA, createClientCertificate } from "../../runtime/src/server/certs.js";
import { sendHeaderLines } from "../support/header-lines.js";

const frontProxyCA = createCA("front-proxy-ca");
const proxyCert = new X509Certificate(createClientCertificate(frontProxyCA, "front-proxy-client", []).certPem);
const config: RequestHeaderConfig = {
  caCerts: [new X509Certificate(frontProxyCA.certPem)],
  allowedNames: ["front-proxy-client"],
  usernameHeaders: ["X-Remote-User", "X-Other-User"],
  uidHeaders: ["X-Remote-Uid"],
  groupHeaders: ["X-Remote-Group", "X-Other-Group"],
  extraHeaderPrefixes: ["X-Remote-Extra-", "X-Remote-"],
};
const authenticator = createRequestHeaderAuthenticator(() => config);

interface Seen {
  user: UserInfo | null;
  /** The header lines left after stripping. */
  rawHeaders: string[];
  headers: Record<string, unknown>;
  headersDistinct: Record<string, unknown>;
  /** Whether the user handed out could be changed by the handler. */
  userMutable: boolean;
}

let server: http.Server;
let port: number;
before(async () => {
  server = http.createServer((req: IncomingMessage, res) => {
    Object.assign(req.socket, { getPeerCertificate: () => ({ raw: proxyCert.raw, fingerprint256: proxyCert.fingerprint256 }) });
    const user = authenticator.authenticate(req) as UserInfo | null;
    // As the serving pipeline does: req.headers is read before the headers are removed, headersDistinct after.
    void req.headers["audit-id"];
    removeHeaders(req, requestHeaderFilter(config), requestHeaderPrefilter(config));
    const seen: Seen = {
      user,
      rawHeaders: req.rawHeaders,
      headers: { ...req.headers },
      headersDistinct: { ...req.headersDistinct },
      userMutable: user !== null && (!Object.isFrozen(user) || !Object.isFrozen(user.groups)),
    };
    res.end(JSON.stringify(seen));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

/** Sends the headers in this order; an array is one line per value. */
const send = (headers: Record<string, string | string[]>, agent?: http.Agent) => sendHeaderLines<Seen>(port, headers, agent);

test("the username is the first non-empty value of the first configured header that has one, wherever it is sent", async () => {
  const seen = await send({ "X-Other-User": "bob", "X-Remote-User": ["", "alice", "carol"] });
  assert.equal(seen.user?.name, "alice");
});

test("a later username header is used when the earlier ones are empty", async () => {
  const seen = await send({ "X-Remote-User": "", "X-Other-User": "bob" });
  assert.equal(seen.user?.name, "bob");
});

test("groups come header by header in the configured order, empty values dropped", async () => {
  const seen = await send({ "X-Remote-User": "alice", "X-Other-Group": "o1", "X-Remote-Group": ["r1", "", "r2"] });
  assert.deepEqual(seen.user?.groups, ["r1", "r2", "o1"]);
});

test("extra keys are lowercased then unescaped, under every prefix a header starts with", async () => {
  const seen = await send({ "X-Remote-User": "alice", "X-Remote-Extra-Scopes.Example.com%2FTeam": ["a", "b"] });
  // "X-Remote-Extra-" gives scopes.example.com/team; "X-Remote-" (also configured) gives extra-scopes... and,
  // as in kube, takes the username header too.
  assert.deepEqual(seen.user?.extra, {
    user: ["alice"],
    "scopes.example.com/team": ["a", "b"],
    "extra-scopes.example.com/team": ["a", "b"],
  });
});

test("no username header: no user; every identity header is stripped, others kept", async () => {
  const seen = await send({ "X-Remote-Group": "r1", "X-Remote-Uid": "u-1", "X-Remote-Extra-Team": "a", "X-Kept": "yes" });
  assert.equal(seen.user, null);
  const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
  assert.ok(names.includes("x-kept"));
  assert.ok(!names.some((h) => h.startsWith("x-remote-")), JSON.stringify(seen.rawHeaders));
  assert.ok(!Object.keys(seen.headers).some((h) => h.startsWith("x-remote-")), JSON.stringify(seen.headers));
  assert.ok(!Object.keys(seen.headersDistinct).some((h) => h.startsWith("x-remote-")), JSON.stringify(seen.headersDistinct));
  assert.deepEqual(seen.headersDistinct["x-kept"], ["yes"]);
});

test("each request is the user its own headers name, whoever came before on the connection; users cannot be changed", async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const seen: Seen[] = [];
    for (const headers of [
      { "X-Remote-User": "alice", "X-Remote-Group": "g1" },
      { "X-Remote-User": "bob", "X-Remote-Group": "g1" },
      { "X-Remote-User": "alice", "X-Remote-Group": ["g1", "g2"] },
      { "X-Remote-User": "alice", "X-Remote-Group": "g1" },
    ]) {
      seen.push(await send(headers, agent));
    }
    assert.deepEqual(
      seen.map((s) => ({ name: s.user?.name, groups: s.user?.groups })),
      [
        { name: "alice", groups: ["g1"] },
        { name: "bob", groups: ["g1"] },
        { name: "alice", groups: ["g1", "g2"] },
        { name: "alice", groups: ["g1"] },
      ],
    );
    assert.ok(seen.every((s) => !s.userMutable));
  } finally {
    agent.destroy();
  }
});
