/**
 * The bytes of a watch response on the wire. The watch stream frames its HTTP/1.1 chunks
 * itself (one chunk per socket write), so this reads the raw socket and checks the framing
 * a Go client (net/http's chunked reader, behind client-go's watch decoder) reads: a hex
 * size line, exactly that many bytes, CRLF, and the last chunk `0\r\n\r\n` when the watch
 * ends (kube-apiserver's handlers/watch.go writes each event and flushes). HTTP/1.0 has no
 * chunks (the body ends with the connection), and a pipelined watch waits for the response
 * before it on its connection, as Go's server serves pipelined requests in order.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { call, ns, startHarness, widget, type Harness } from "./harness.js";

/** Sends a raw request: resolves once response headers arrived, with all the bytes read until the server closes. */
async function rawWatch(h: Harness, request: string): Promise<{ text: Promise<string> }> {
  const { port } = new URL(h.url);
  const socket = net.connect(Number(port), "127.0.0.1");
  let text = "";
  socket.setEncoding("latin1");
  const ended = new Promise<string>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
  await new Promise<void>((resolve) => {
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.includes("\r\n\r\n")) resolve();
    });
    socket.write(request);
  });
  return { text: ended };
}

/** One HTTP/1.1 response off the front of `text`: its head and chunked body, checked byte by byte. */
function takeChunkedResponse(text: string): { head: string; chunks: string[]; rest: string } {
  const headEnd = text.indexOf("\r\n\r\n");
  assert.ok(headEnd > 0, "no response head");
  const head = text.slice(0, headEnd);
  assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(head, /\r\nTransfer-Encoding: chunked(\r\n|$)/);
  const chunks: string[] = [];
  let at = headEnd + 4;
  for (;;) {
    const lineEnd = text.indexOf("\r\n", at);
    assert.ok(lineEnd > at, `no chunk size line at byte ${at}`);
    const sizeLine = text.slice(at, lineEnd);
    assert.match(sizeLine, /^[0-9a-f]+$/, "a chunk size line is lowercase hex, no extensions");
    const size = parseInt(sizeLine, 16);
    at = lineEnd + 2;
    if (size === 0) {
      assert.equal(text.slice(at, at + 2), "\r\n", "the last chunk ends the body (no trailers)");
      return { head, chunks, rest: text.slice(at + 2) };
    }
    chunks.push(text.slice(at, at + size));
    assert.equal(text.slice(at + size, at + size + 2), "\r\n", "a chunk's data is followed by CRLF");
    at += size + 2;
  }
}

/** The event lines of a body: whole lines, each one WatchEvent. */
function events(body: string): { type: string; name: string }[] {
  assert.ok(body.endsWith("\n"), "the body ends with a whole event line");
  return body
    .slice(0, -1)
    .split("\n")
    .map((line) => {
      const ev = JSON.parse(line);
      return { type: ev.type, name: ev.object.metadata.name };
    });
}

describe("watch wire format", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({}, undefined, {}, { watchCache: true });
  });
  after(() => h.close());

  it("HTTP/1.1: each write is one exactly framed chunk of whole event lines, and the last chunk ends the body", async () => {
    const rv = (await call(h, "POST", ns(), widget("chunk-0"))).body.metadata.resourceVersion;
    const watch = await rawWatch(h, `GET ${ns()}?watch=true&resourceVersion=${rv}&timeoutSeconds=1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`);
    for (const name of ["chunk-1", "chunk-2", "chunk-3"]) assert.equal((await call(h, "POST", ns(), widget(name))).status, 201);
    const { chunks, rest } = takeChunkedResponse(await watch.text);
    assert.equal(rest, "");
    for (const chunk of chunks) assert.ok(chunk.endsWith("\n"), "a chunk holds whole event lines");
    assert.deepEqual(events(chunks.join("")), [
      { type: "ADDED", name: "chunk-1" },
      { type: "ADDED", name: "chunk-2" },
      { type: "ADDED", name: "chunk-3" },
    ]);
  });

  it("HTTP/1.0: the events unframed, the body ending with the connection", async () => {
    const rv = (await call(h, "POST", ns(), widget("plain-0"))).body.metadata.resourceVersion;
    const watch = await rawWatch(h, `GET ${ns()}?watch=true&resourceVersion=${rv}&timeoutSeconds=1 HTTP/1.0\r\n\r\n`);
    for (const name of ["plain-1", "plain-2"]) assert.equal((await call(h, "POST", ns(), widget(name))).status, 201);
    const text = await watch.text;
    const headEnd = text.indexOf("\r\n\r\n");
    const head = text.slice(0, headEnd);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.doesNotMatch(head, /Transfer-Encoding/i);
    assert.deepEqual(events(text.slice(headEnd + 4)), [
      { type: "ADDED", name: "plain-1" },
      { type: "ADDED", name: "plain-2" },
    ]);
  });

  it("a pipelined watch gets its events after the response before it, each response framed on its own", async () => {
    const rv = (await call(h, "POST", ns(), widget("pipe-0"))).body.metadata.resourceVersion;
    const get = (timeout: number, close: boolean) =>
      `GET ${ns()}?watch=true&resourceVersion=${rv}&timeoutSeconds=${timeout} HTTP/1.1\r\nHost: test\r\n${close ? "Connection: close\r\n" : ""}\r\n`;
    // The second watch starts at once and takes events while the first one holds the connection.
    const watch = await rawWatch(h, get(1, false) + get(2, true));
    for (const name of ["pipe-1", "pipe-2"]) assert.equal((await call(h, "POST", ns(), widget(name))).status, 201);
    const first = takeChunkedResponse(await watch.text);
    const second = takeChunkedResponse(first.rest);
    assert.equal(second.rest, "");
    const expected = [
      { type: "ADDED", name: "pipe-1" },
      { type: "ADDED", name: "pipe-2" },
    ];
    assert.deepEqual(events(first.chunks.join("")), expected);
    assert.deepEqual(events(second.chunks.join("")), expected);
  });
});
