/**
 * Requests the HTTP parser refuses (client-errors.ts): answered once and closed as Go's
 * closeWriteAndWait does. Node's parser reports its error again for every chunk that still
 * arrives; those calls must neither answer again nor reset a connection whose client is still
 * sending (it would lose the answer), and the connection closes after the linger.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { test } from "node:test";
import { answerClientError } from "../../runtime/src/server/client-errors.js";

/** Both ends of one loopback TCP connection, each half-open as node's HTTP server and a client still sending keep them. */
async function socketPair(): Promise<{ serverSide: net.Socket; clientSide: net.Socket; close: () => void }> {
  const listener = net.createServer({ allowHalfOpen: true });
  listener.listen(0, "127.0.0.1");
  await once(listener, "listening");
  const accepted = once(listener, "connection") as Promise<[net.Socket]>;
  const clientSide = net.connect({ port: (listener.address() as net.AddressInfo).port, host: "127.0.0.1", allowHalfOpen: true });
  const [serverSide] = await accepted;
  return { serverSide, clientSide, close: () => listener.close() };
}

for (const [code, status] of [
  ["HPE_HEADER_OVERFLOW", "431 Request Header Fields Too Large"],
  ["HPE_INVALID_HEADER_TOKEN", "400 Bad Request"],
] as const) {
  test(`${code}: one ${status}, the rest of the request drained, then closed without a reset`, async () => {
    const { serverSide, clientSide, close } = await socketPair();
    const logs: string[] = [];
    const err = Object.assign(new Error("refused by the parser"), { code });
    answerClientError(err, serverSide, (m) => logs.push(m));
    // the client is still sending; the parser refuses each chunk again
    clientSide.write("a".repeat(64 * 1024));
    answerClientError(err, serverSide, (m) => logs.push(m));
    assert.equal(serverSide.destroyed, false, "answered connections linger instead of closing at once");

    let received = "";
    let error: Error | undefined;
    clientSide.setEncoding("utf8");
    clientSide.on("data", (d: string) => (received += d));
    clientSide.on("error", (e) => (error = e));
    await once(clientSide, "end");
    clientSide.end("the rest of the request");
    await once(serverSide, "close");
    close();

    assert.equal(error, undefined, error?.message);
    assert.ok(received.startsWith(`HTTP/1.1 ${status}\r\n`), received.slice(0, 100));
    assert.equal(received.split("HTTP/1.1 ").length - 1, 1, "answered once");
    assert.equal(logs.length, code === "HPE_HEADER_OVERFLOW" ? 1 : 0, logs.join("\n"));
  });
}
