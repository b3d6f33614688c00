// removeHeaders on real requests: whichever of headers / headersDistinct a handler read
// before the removal, neither shows a removed line afterwards, and the rest are as node
// parsed them (duplicates joined or listed, names lowercased).
import assert from "node:assert/strict";
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { removeHeaders } from "../../runtime/src/auth/remove-headers.js";
import { sendHeaderLines } from "../support/header-lines.js";

type ReadBefore = "none" | "headers" | "distinct" | "both";

interface Seen {
  rawHeaders: string[];
  headers: Record<string, unknown>;
  headersDistinct: Record<string, unknown>;
}

const isIdentity = (h: string) => h.startsWith("x-remote-") || h === "authorization";

let server: http.Server;
let port: number;
before(async () => {
  server = http.createServer((req: IncomingMessage, res) => {
    const read = req.headers["x-read-before"] as ReadBefore; // builds req.headers: the "none" case copies the request first
    const subject: IncomingMessage = read === "none" ? withFreshHeaders(req) : req;
    if (read === "distinct" || read === "both") void subject.headersDistinct;
    removeHeaders(subject, isIdentity);
    const seen: Seen = { rawHeaders: subject.rawHeaders, headers: { ...subject.headers }, headersDistinct: { ...subject.headersDistinct } };
    res.end(JSON.stringify(seen));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

/** A message with the request's lines whose header objects nobody has built yet. */
function withFreshHeaders(req: IncomingMessage): IncomingMessage {
  // What node's parser calls with a request's lines (not in @types/node).
  const fresh = new http.IncomingMessage(req.socket) as IncomingMessage & { _addHeaderLines(lines: string[], count: number): void };
  fresh._addHeaderLines([...req.rawHeaders], req.rawHeaders.length);
  return fresh;
}

const send = (headers: Record<string, string | string[]>) => sendHeaderLines<Seen>(port, headers);

for (const read of ["none", "headers", "distinct", "both"] as const) {
  test(`removed lines are gone from every view, the others intact (read before: ${read})`, async () => {
    const seen = await send({
      "X-Read-Before": read,
      "X-Remote-User": "alice",
      Accept: ["application/json", "text/plain"],
      "X-Remote-Group": ["a", "b"],
      Authorization: "Bearer secret",
      "X-Kept": "yes",
    });
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0);
    assert.deepEqual(names.filter((n) => /^(x-remote-|authorization)/i.test(n)), []);
    assert.deepEqual(
      seen.rawHeaders.slice(seen.rawHeaders.indexOf("Accept"), seen.rawHeaders.indexOf("Accept") + 4),
      ["Accept", "application/json", "Accept", "text/plain"],
    );
    assert.ok(names.includes("X-Kept"));
    for (const view of [seen.headers, seen.headersDistinct]) {
      assert.deepEqual(Object.keys(view).filter(isIdentity), [], JSON.stringify(view));
    }
    assert.equal(seen.headers.accept, "application/json, text/plain");
    assert.equal(seen.headers["x-kept"], "yes");
    assert.deepEqual(seen.headersDistinct.accept, ["application/json", "text/plain"]);
    assert.deepEqual(seen.headersDistinct["x-kept"], ["yes"]);
    // Nothing else is lost: every kept line is in both views.
    assert.equal(Object.keys(seen.headersDistinct).length, new Set(names.map((n) => n.toLowerCase())).size);
  });
}

test("a message without node's own header slots is handled by building both views first", () => {
  const message = {
    rawHeaders: ["Host", "h", "X-Remote-User", "alice", "Accept", "a"],
    headers: { host: "h", "x-remote-user": "alice", accept: "a" },
    headersDistinct: { host: ["h"], "x-remote-user": ["alice"], accept: ["a"] },
  } as unknown as IncomingMessage;
  removeHeaders(message, isIdentity);
  assert.deepEqual(message.rawHeaders, ["Host", "h", "Accept", "a"]);
  assert.deepEqual(message.headers, { host: "h", accept: "a" });
  assert.deepEqual(message.headersDistinct, { host: ["h"], accept: ["a"] });
});
