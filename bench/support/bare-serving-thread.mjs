/**
 * The bare baseline's serving thread (plain JavaScript: a worker thread does not inherit
 * tsx's loader). See bare-server.ts. workerData: { cfg, index }. Thread 0 listens and posts
 * { fd, port }; each other thread is sent { fd } and accepts on the same listening socket,
 * as every thread's event loop polls it. A POST's event line goes to this thread's streams
 * and, over a BroadcastChannel, to every other thread's.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { BroadcastChannel, parentPort, workerData } from "node:worker_threads";

const { cfg, index } = workerData;
const body = cfg.bodyFile ? readFileSync(cfg.bodyFile) : Buffer.from(cfg.body ?? "");
const headers = { ...cfg.headers, "Content-Length": String(body.length) };
const streams = new Set();
const events = new BroadcastChannel("bare-server-events");
events.onmessage = (ev) => {
  const line = Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.byteLength);
  for (const stream of streams) stream.write(line);
};
let revision = 1;

const acceptWrite = (req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const obj = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    // Revisions are per thread: the baseline only needs each line to be a distinct object.
    obj.metadata = { ...obj.metadata, resourceVersion: String(++revision) };
    const json = JSON.stringify(obj);
    res.writeHead(201, { ...cfg.headers, "Content-Length": String(Buffer.byteLength(json)) });
    res.end(json);
    const line = Buffer.from(`{"type":"ADDED","object":${json}}\n`);
    for (const stream of streams) stream.write(line);
    if (cfg.threads > 1) events.postMessage(line);
  });
};

const openStream = (res) => {
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  res.flushHeaders();
  streams.add(res);
  res.on("close", () => streams.delete(res));
};

const server = https.createServer({ cert: cfg.cert, key: cfg.key, ca: cfg.ca, requestCert: true, rejectUnauthorized: true, keepAliveTimeout: 90_000 }, (req, res) => {
  if (req.method === "POST") return acceptWrite(req, res);
  if (/[?&]watch=(1|true)(&|$)/.test(req.url ?? "")) return openStream(res);
  res.writeHead(200, headers);
  res.end(body);
});

if (index === 0) {
  server.listen(0, "127.0.0.1", () => parentPort.postMessage({ fd: server._handle.fd, port: server.address().port }));
} else {
  parentPort.once("message", ({ fd }) => server.listen({ fd }, () => parentPort.postMessage({ listening: true })));
}
