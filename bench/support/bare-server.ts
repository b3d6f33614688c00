/**
 * What Node itself does on this machine, as the baseline of the GET and WATCH
 * benchmarks: a bare node `https` server (same serving certificate, same
 * client-certificate verification) that
 * - answers a GET with fixed bytes (the generated server's answer to the same GET);
 * - holds a `?watch=1` GET open as a chunked stream;
 * - answers a POST with the object (a resourceVersion added) and then writes one
 *   `{"type":"ADDED","object":...}` line, encoded once, to every open stream.
 * Run as its own process: `node --import tsx bench/support/bare-server.ts '<json>'`;
 * prints `PORT <n>` when listening.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";

export interface BareServerConfig {
  cert: string;
  key: string;
  ca: string;
  /** The GET answer; or `bodyFile`, a file holding it (a body of megabytes does not fit in argv). */
  body?: string;
  bodyFile?: string;
  headers: Record<string, string>;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const cfg = JSON.parse(process.argv[2]!) as BareServerConfig;
  const body = cfg.bodyFile ? readFileSync(cfg.bodyFile) : Buffer.from(cfg.body ?? "");
  const headers = { ...cfg.headers, "Content-Length": String(body.length) };
  const streams = new Set<ServerResponse>();
  let revision = 1;
  const acceptWrite = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const obj = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      obj.metadata = { ...obj.metadata, resourceVersion: String(++revision) };
      const json = JSON.stringify(obj);
      res.writeHead(201, { ...cfg.headers, "Content-Length": String(Buffer.byteLength(json)) });
      res.end(json);
      const line = Buffer.from(`{"type":"ADDED","object":${json}}\n`);
      for (const stream of streams) stream.write(line);
    });
  };
  const openStream = (res: ServerResponse) => {
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
  server.listen(0, "127.0.0.1", () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
  process.on("SIGTERM", () => process.exit(0));
}
