/**
 * The etcd write channel against a fake gRPC member (node:http2), for what a real etcd
 * cannot be made to do on demand: lose an answer, refuse a connection, time out. A write is
 * sent at most once, as kube's etcd client (clientv3 without retries for mutations, see
 * k8s.io/apiserver storage/etcd3) does: an answer lost after the request left is an error,
 * never a resend, since the first attempt may have committed.
 * The Txn codec is exercised against real etcd by the shared suite (etcd.test.ts).
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, it } from "node:test";
import { GrpcChannel } from "../../runtime/src/storage/etcd/grpc-channel.js";
import { freePort } from "../support/ports.js";

const TXN = "/etcdserverpb.KV/Txn";

type Behaviour = "answer" | "drop-connection" | "silent" | "no-leader";

/** A fake member: answers each call by `behaviour`, echoing the message back; counts the calls and connections it received. */
async function fakeMember(behaviour: Behaviour): Promise<{ url: string; calls: () => number; connections: () => number; close(): Promise<void> }> {
  let calls = 0;
  let connections = 0;
  const server = http2.createServer();
  server.on("session", () => connections++);
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      calls++;
      assert.equal(headers[":path"], TXN);
      assert.equal(headers["content-type"], "application/grpc");
      if (behaviour === "drop-connection") return stream.session?.destroy();
      if (behaviour === "silent") return;
      if (behaviour === "no-leader") {
        // Trailers-only, as grpc-go answers a call that failed before any message.
        return stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "14", "grpc-message": "etcdserver: no leader" }, { endStream: true });
      }
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("etcd write channel", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function member(behaviour: Behaviour) {
    const m = await fakeMember(behaviour);
    cleanups.push(() => m.close());
    return m;
  }
  function channel(hosts: string[], dialTimeoutMs = 2000) {
    const ch = new GrpcChannel(hosts, undefined, dialTimeoutMs);
    cleanups.push(() => ch.close());
    return ch;
  }

  it("sends a call as one gRPC message and returns the answer's", async () => {
    const m = await member("answer");
    const ch = channel([m.url]);
    const answers = await Promise.all(["a", "b", "c"].map((s) => ch.call(TXN, Buffer.from(s), 5000)));
    assert.deepEqual(answers.map(String), ["a", "b", "c"]);
    assert.equal(m.calls(), 3);
  });

  it("passes over a member it cannot connect to (nothing was sent there)", async () => {
    const m = await member("answer");
    const ch = channel([`http://127.0.0.1:${await freePort()}`, m.url]);
    assert.equal(String(await ch.call(TXN, Buffer.from("x"), 5000)), "x");
    assert.equal(m.calls(), 1);
  });

  it("fails, without resending, a call whose answer was lost; the next call connects again", async () => {
    const dropping = await member("drop-connection");
    const answering = await member("answer");
    const ch = channel([dropping.url, answering.url]);
    await assert.rejects(ch.call(TXN, Buffer.from("x"), 5000));
    assert.equal(dropping.calls(), 1, "sent once");
    assert.equal(answering.calls(), 0, "not resent to another member");
    // The member is still up: the channel dials it again, and only it.
    await assert.rejects(ch.call(TXN, Buffer.from("y"), 5000));
    assert.equal(dropping.calls(), 2);
    assert.equal(answering.calls(), 0);
  });

  it("fails a call unanswered by its deadline, sent once; new calls go through a new connection", async () => {
    const m = await member("silent");
    const ch = channel([m.url]);
    await assert.rejects(ch.call(TXN, Buffer.from("x"), 200), /deadline exceeded/);
    assert.equal(m.calls(), 1);
    assert.equal(m.connections(), 1);
    await assert.rejects(ch.call(TXN, Buffer.from("y"), 200), /deadline exceeded/);
    assert.equal(m.calls(), 2);
    assert.equal(m.connections(), 2);
  });

  it("turns a gRPC error status into an error carrying etcd's message", async () => {
    const m = await member("no-leader");
    const ch = channel([m.url]);
    await assert.rejects(ch.call(TXN, Buffer.from("x"), 5000), { message: "etcdserver: no leader" });
  });

  it("carries a message larger than the flow-control windows both ways", async () => {
    const m = await member("answer");
    const ch = channel([m.url]);
    const big = Buffer.alloc(1024 * 1024 + 7, "abcdefgh");
    const [a, b] = await Promise.all([ch.call(TXN, big, 10_000), ch.call(TXN, Buffer.from("small"), 10_000)]);
    assert.ok(a.equals(big));
    assert.equal(String(b), "small");
  });

  it("sends a call again on a new connection when the member's GOAWAY says it never processed it", async () => {
    const m = await member("answer");
    // In front of the member: the first connection gets, once the call's headers arrived,
    // GOAWAY with last-stream-id 0 (as a member shutting down answers); later ones pass through.
    let connections = 0;
    const front = net.createServer((socket) => {
      if (connections++ > 0) {
        const upstream = net.connect(Number(new URL(m.url).port), "127.0.0.1");
        socket.pipe(upstream).pipe(socket);
        return;
      }
      let seen = "";
      socket.on("data", (chunk: Buffer) => {
        seen += chunk.toString("latin1");
        if (!seen.includes(TXN)) return;
        const settings = Buffer.from("000000040000000000", "hex");
        const goaway = Buffer.from("000008070000000000" + "00000000" + "00000000", "hex");
        socket.end(Buffer.concat([settings, goaway]));
      });
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => front.close(resolve)));
    const ch = channel([`http://127.0.0.1:${(front.address() as AddressInfo).port}`]);
    assert.equal(String(await ch.call(TXN, Buffer.from("x"), 5000)), "x");
    assert.equal(connections, 2);
    assert.equal(m.calls(), 1, "the member itself got it once");
  });

  it("holds calls beyond the member's SETTINGS_MAX_CONCURRENT_STREAMS until a stream ends", async () => {
    const server = http2.createServer({ settings: { maxConcurrentStreams: 2 } });
    let open = 0;
    let most = 0;
    server.on("stream", (stream) => {
      most = Math.max(most, ++open);
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () =>
        setTimeout(() => {
          open--;
          stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
          stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
          stream.end(Buffer.concat(chunks));
        }, 20),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const ch = channel([`http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
    // The first call lets the member's SETTINGS arrive; then six at once.
    await ch.call(TXN, Buffer.from("first"), 5000);
    const names = ["a", "b", "c", "d", "e", "f"];
    assert.deepEqual((await Promise.all(names.map((n) => ch.call(TXN, Buffer.from(n), 5000)))).map(String), names);
    assert.equal(most, 2);
  });

  it("streams messages both ways, split across DATA frames, until the member's status ends the call", async () => {
    const server = http2.createServer();
    server.on("stream", (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "1", "grpc-message": "canceled%20by%20test" }));
      let received = Buffer.alloc(0);
      stream.on("data", (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        // Echo in 3-byte pieces, so messages span frames; end after three 6-byte messages.
        for (let i = 0; i < chunk.length; i += 3) stream.write(chunk.subarray(i, i + 3));
        if (received.length >= 18) stream.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const ch = channel([`http://127.0.0.1:${(server.address() as AddressInfo).port}`]);
    const messages: string[] = [];
    const ended = new Promise<Error>((resolve) => {
      void ch.open("/etcdserverpb.Watch/Watch", { onMessage: (m) => messages.push(String(m)), onEnd: resolve }).then((stream) => {
        for (const m of ["a", "b", "c"]) stream.send(Buffer.from(m));
      });
    });
    assert.equal((await ended).message, "canceled by test");
    assert.deepEqual(messages, ["a", "b", "c"]);
  });

  it("says which members it could not reach when none answers", async () => {
    const port = await freePort();
    const ch = channel([`http://127.0.0.1:${port}`]);
    await assert.rejects(ch.call(TXN, Buffer.from("x"), 5000), new RegExp(`No connection established to etcd \\(http://127.0.0.1:${port}: .*ECONNREFUSED`));
  });

  it("refuses calls once closed", async () => {
    const m = await member("answer");
    const ch = channel([m.url]);
    ch.close();
    await assert.rejects(ch.call(TXN, Buffer.from("x"), 5000), /closed/);
    assert.equal(m.calls(), 0);
  });
});
