/**
 * Upgrade requests (kubectl exec/attach over WebSocket or SPDY) go through the
 * same pipeline; the handler switches protocols on the raw socket.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect, type TLSSocket } from "node:tls";
import type { Handler } from "../../runtime/src/api/request.js";
import { upgradeHead } from "../../runtime/src/api/upgrade.js";
import { startServer, type TestServer } from "./fixtures.js";

/** Switches to a toy protocol that echoes bytes upper-cased. */
const handler: Handler = async (ctx) => {
  if (!ctx.req.headers.upgrade) {
    ctx.res.writeHead(400, { "Content-Type": "text/plain" });
    ctx.res.end("upgrade required");
    return;
  }
  const socket = ctx.req.socket;
  socket.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: toy\r\n\r\n");
  const head = upgradeHead(ctx.req);
  if (head.length) socket.write(head.toString().toUpperCase());
  await new Promise<void>((resolve) => {
    socket.on("data", (d: Buffer) => socket.write(d.toString().toUpperCase()));
    socket.on("close", () => resolve());
    ctx.signal.addEventListener("abort", () => {
      socket.end();
      resolve();
    });
  });
};

let server: TestServer;
before(async () => (server = await startServer({ resourceHandler: handler })));
after(() => server.close());

function open(withCert: boolean): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect(
      {
        host: "127.0.0.1",
        port: server.port,
        ca: server.certs.ca.certPem,
        ...(withCert ? { cert: server.certs.admin.certPem, key: server.certs.admin.keyPem } : {}),
      },
      () => resolve(s),
    );
    s.on("error", reject);
  });
}

function readUntil(s: TLSSocket, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(text)}`)), 5000);
    const onData = (d: Buffer) => {
      text += d;
      if (pattern.test(text)) {
        clearTimeout(timer);
        s.off("data", onData);
        resolve(text);
      }
    };
    s.on("data", onData);
    s.on("end", () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

const EXEC = "/apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/exec?command=sh";

test("an authenticated upgrade reaches the handler, which switches protocols", async () => {
  const s = await open(true);
  s.write(`GET ${EXEC} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: toy\r\n\r\n`);
  const head = await readUntil(s, /\r\n\r\n/);
  assert.match(head, /^HTTP\/1\.1 101 Switching Protocols/);
  s.write("hello");
  assert.equal(await readUntil(s, /HELLO/), "HELLO");
  s.end();
});

test("an unauthenticated upgrade gets the 401 Status and the connection ends", async () => {
  const s = await open(false);
  s.write(`GET ${EXEC} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: toy\r\n\r\n`);
  const reply = await readUntil(s, /"code":401\}/);
  assert.match(reply, /^HTTP\/1\.1 401 Unauthorized/);
  assert.match(reply, /"reason":"Unauthorized"/);
});

test("an upgrade to a path that is not routable gets the 404 Status", async () => {
  const s = await open(true);
  s.write(`GET /apis/skai.io/v1alpha1/namespaces/ns/notebooks/nb1/attach HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: toy\r\n\r\n`);
  const reply = await readUntil(s, /"code":404\}/);
  assert.match(reply, /^HTTP\/1\.1 404 Not Found/);
});
