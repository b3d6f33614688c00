/**
 * Bad input against the generated server (issue 3): each class gets a
 * metav1.Status with kube's code, reason and wording, never a crash or a hang;
 * the server still answers /healthz afterwards.
 */
import assert from "node:assert/strict";
import tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";
import { adminAgent, adminCredentials, notebook, request, type Reply } from "../support/admin-http.js";
import type https from "node:https";

let server: GeneratedServer;
let agent: https.Agent;
let base: string;
const NB = () => `${base}/apis/skai.io/v1alpha1/namespaces/ns/notebooks`;

before(async () => {
  server = await startGeneratedServer();
  agent = adminAgent(server.dir);
  base = server.url;
});
after(async () => {
  agent?.destroy();
  await server?.stop({ cleanup: true });
});

/** Asserts the reply is a Failure Status with this code and reason; returns it. */
function status(r: Reply, code: number, reason: string): any {
  assert.equal(r.status, code, r.text);
  assert.match(String(r.headers["content-type"]), /^application\/json/);
  const s = r.json();
  assert.equal(s.kind, "Status", r.text);
  assert.equal(s.apiVersion, "v1");
  assert.equal(s.status, "Failure");
  assert.equal(s.code, code);
  assert.equal(s.reason, reason);
  assert.equal(typeof s.message, "string");
  return s;
}

const post = (body: string | object, contentType = "application/json", url = NB()) =>
  request(url, { method: "POST", body, agent, headers: { "Content-Type": contentType } });

const UNRECOGNIZED = "the object provided is unrecognized (must be of type Notebook): couldn't get version/kind; ";

/** One request written byte for byte on a TLS connection with the admin certificate; resolves with the raw response. */
function rawRequest(head: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: server.port, ...adminCredentials(server.dir), servername: "localhost" }, () => socket.end(head));
    let got = "";
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer in 10 s to ${head}`))), 10_000);
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (got += d));
    socket.on("end", () => (clearTimeout(timer), resolve(got)));
    socket.on("error", (e) => (clearTimeout(timer), reject(e)));
  });
}

describe("bad input gets a Status", { timeout: 60_000 }, () => {
  it("malformed JSON: 400 BadRequest, the decoder's words", async () => {
    const s = status(await post("{bad"), 400, "BadRequest");
    assert.ok(s.message.startsWith(`${UNRECOGNIZED}json parse error: `), s.message);
    // a JSON value that is not an object
    const arr = status(await post("[1,2]"), 400, "BadRequest");
    assert.ok(arr.message.startsWith(UNRECOGNIZED), arr.message);
    // an empty body
    status(await post(""), 400, "BadRequest");
  });

  it("malformed YAML: 400 BadRequest", async () => {
    const s = status(await post("apiVersion: skai.io/v1alpha1\nkind: Notebook\nmetadata:\n  name: y\n  bad: [\n", "application/yaml"), 400, "BadRequest");
    // YAMLToJSON fails before any version/kind is looked for (apimachinery runtime/serializer/json Decode)
    assert.ok(s.message.startsWith("the object provided is unrecognized (must be of type Notebook): yaml: "), s.message);
  });

  it("wrong apiVersion: 400 with kube's message", async () => {
    const nb = notebook("v", "ns");
    nb.apiVersion = "skai.io/v9";
    const s = status(await post(nb), 400, "BadRequest");
    assert.equal(s.message, "the API version in the data (skai.io/v9) does not match the expected API version (skai.io/v1alpha1)");
  });

  it("wrong kind: 400, cannot be handled as a Notebook", async () => {
    const nb = notebook("k", "ns");
    nb.kind = "Dataset";
    const s = status(await post(nb), 400, "BadRequest");
    assert.ok(s.message.startsWith('Dataset in version "v1alpha1" cannot be handled as a Notebook'), s.message);
  });

  it("name that is not a DNS subdomain: 422 Invalid with the cause at metadata.name", async () => {
    const s = status(await post(notebook("A_b", "ns")), 422, "Invalid");
    const rule =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    assert.equal(s.message, `Notebook.skai.io "A_b" is invalid: metadata.name: Invalid value: "A_b": ${rule}`);
    assert.deepEqual(s.details, {
      name: "A_b",
      group: "skai.io",
      kind: "Notebook",
      causes: [{ reason: "FieldValueInvalid", message: `Invalid value: "A_b": ${rule}`, field: "metadata.name" }],
    });
  });

  it("namespace that is not a DNS label: 422 Invalid at metadata.namespace", async () => {
    const s = status(await post(notebook("ok-name", "Bad_NS"), "application/json", `${base}/apis/skai.io/v1alpha1/namespaces/Bad_NS/notebooks`), 422, "Invalid");
    assert.equal(
      s.message,
      `Notebook.skai.io "ok-name" is invalid: metadata.namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
    assert.equal(s.details.causes[0].field, "metadata.namespace");
  });

  it("a body over 3 MiB: 413 RequestEntityTooLarge", async () => {
    const big = JSON.stringify({ ...notebook("big", "ns"), pad: "x".repeat(3 * 1024 * 1024 + 10) });
    const s = status(await post(big), 413, "RequestEntityTooLarge");
    assert.equal(s.message, "Request entity too large: limit is 3145728");
  });

  /**
   * One answer read off a raw TLS connection on which `send` writes a request. A deadline, not
   * a timing assertion: without an answer the server is waiting for the rest of the body.
   * Writes after the server closed may fail; what counts is the answer read before.
   */
  const rawAnswer = (send: (socket: tls.TLSSocket) => void) =>
    new Promise<string>((resolve, reject) => {
      const creds = adminCredentials(server.dir);
      let got = "";
      const socket = tls.connect({ host: "127.0.0.1", port: server.port, ...creds, servername: "localhost" }, () => send(socket));
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within 10 s; got ${JSON.stringify(got)}`));
      }, 10_000);
      const done = () => {
        clearTimeout(timer);
        resolve(got);
      };
      socket.setEncoding("utf8");
      socket.on("data", (d: string) => {
        got += d;
        const end = got.indexOf("\r\n\r\n");
        const m = /content-length: (\d+)/i.exec(got);
        if (end >= 0 && m && got.length >= end + 4 + Number(m[1])) {
          socket.destroy();
          done();
        }
      });
      socket.on("error", done);
      socket.on("end", done);
    });
  const POST_HEAD = "POST /apis/skai.io/v1alpha1/namespaces/ns/notebooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  const tooLargeAnswer = (answer: string) => {
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\r\nconnection: close\r\n/i);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    assert.equal(body.reason, "RequestEntityTooLarge");
    assert.equal(body.code, 413);
    assert.equal(body.message, "Request entity too large: limit is 3145728");
  };

  it("Content-Length 4 MiB with only a few bytes sent: 413 at once, the body is not awaited", async () => {
    tooLargeAnswer(await rawAnswer((socket) => socket.write(`${POST_HEAD}Content-Length: ${4 * 1024 * 1024}\r\n\r\n{"apiVersion":`)));
  });

  it("a chunked body that grows past 3 MiB: 413 before the connection closes", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]);
    const answer = await rawAnswer((socket) => {
      socket.write(`${POST_HEAD}Transfer-Encoding: chunked\r\n\r\n`);
      // 4 MiB in all, written as the socket accepts it; the server may stop reading at 3 MiB.
      let sent = 0;
      const pump = () => {
        while (sent < 64) {
          sent++;
          if (!socket.write(frame)) return void socket.once("drain", pump);
        }
        socket.write("0\r\n\r\n");
      };
      pump();
    });
    tooLargeAnswer(answer);
  });

  it("JSON nested deeper than the limit: 400, exceeded max depth", async () => {
    const depth = 20_000;
    const deep = `{"apiVersion":"skai.io/v1alpha1","kind":"Notebook","metadata":{"name":"deep"},"spec":{"image":"x","x":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    const s = status(await post(deep), 400, "BadRequest");
    assert.ok(s.message.startsWith(`${UNRECOGNIZED}json parse error: invalid character '[' exceeded max depth`), s.message);
  });

  it("unknown query parameters are ignored, as kube-apiserver does", async () => {
    const list = await request(`${NB()}?bogus=1&another=x`, { agent });
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json().kind, "NotebookList");
    const created = await request(`${NB()}?bogus=1`, { method: "POST", body: notebook("with-bogus-param", "ns"), agent });
    assert.equal(created.status, 201, created.text);
  });

  it("invalid label and field selectors: 400 BadRequest", async () => {
    const inNoParens = status(await request(`${NB()}?labelSelector=${encodeURIComponent("a in b")}`, { agent }), 400, "BadRequest");
    assert.match(inNoParens.message, /^unable to parse requirement: found 'b' expected: '\('/);
    const badKey = status(await request(`${NB()}?labelSelector=-bad`, { agent }), 400, "BadRequest");
    assert.match(badKey.message, /^unable to parse requirement: .*name part must consist of alphanumeric characters/);
    const noOp = status(await request(`${NB()}?fieldSelector=metadata.name`, { agent }), 400, "BadRequest");
    assert.equal(noOp.message, "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    const unsupported = status(await request(`${NB()}?fieldSelector=${encodeURIComponent("spec.x=y")}`, { agent }), 400, "BadRequest");
    assert.equal(unsupported.message, "field label not supported: spec.x");
  });

  it("path traversal in names: '..' segments are refused, an encoded '/' never reaches another object", async () => {
    // Written on the wire as is (URL parsing in the client would normalise dot segments away).
    for (const name of ["..", "%2E%2E", "%2e%2E", "../../../../healthz", "%2E%2E%2F%2E%2E%2Fhealthz"]) {
      const raw = await rawRequest(`GET /apis/skai.io/v1alpha1/namespaces/ns/notebooks/${name} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      const code = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1]);
      assert.ok(code === 400 || code === 404, `${name}: ${raw}`);
      const s = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));
      assert.equal(s.kind, "Status", raw);
      assert.equal(s.code, code);
      if (code === 400) assert.match(s.message, /contains "\." or "\.\." segments/);
    }
    const literal = await rawRequest("GET /apis/skai.io/v1alpha1/namespaces/ns/notebooks/.. HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert.match(literal, /^HTTP\/1\.1 400 /, literal);
    assert.match(literal, /"reason":"BadRequest"/);

    // a%2Fb is the name "a/b" split into two segments: no such resource (kube answers 404 too).
    status(await request(`${NB()}/a%2Fb`, { agent }), 404, "NotFound");
    status(await request(`${NB()}/a%2Fb`, { method: "DELETE", agent }), 404, "NotFound");
    const put = notebook("a/b", "ns");
    status(await request(`${NB()}/a%2Fb`, { method: "PUT", body: put, agent }), 404, "NotFound");
    // ".." as a name in the body is an invalid name.
    const named = status(await post(notebook("..", "ns")), 422, "Invalid");
    assert.equal(named.details.causes[0].field, "metadata.name");
  });

  it("a namespaced kind without a namespace: 404 for get, 405 for create", async () => {
    const get = status(await request(`${base}/apis/skai.io/v1alpha1/notebooks/x`, { agent }), 404, "NotFound");
    assert.equal(get.message, "the server could not find the requested resource");
    const create = status(await post(notebook("x", "ns"), "application/json", `${base}/apis/skai.io/v1alpha1/notebooks`), 405, "MethodNotAllowed");
    assert.equal(create.message, "the server does not allow this method on the requested resource");
    // Listing across namespaces is the one thing the namespace-less path serves.
    const list = await request(`${base}/apis/skai.io/v1alpha1/notebooks`, { agent });
    assert.equal(list.status, 200);
  });

  it("the server is still up: /healthz answers and a valid create works", async () => {
    const h = await request(`${base}/healthz`, { agent });
    assert.equal(h.status, 200);
    assert.equal(h.text, "ok");
    const created = await post(notebook("still-alive", "ns"));
    assert.equal(created.status, 201, created.text);
    assert.equal(server.child.exitCode, null, server.output());
  });
});
