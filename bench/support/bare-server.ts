/**
 * The baseline of the GET benchmark: a bare node `https` server (same serving
 * certificate, same client-certificate verification) answering every request
 * with fixed bytes (the generated server's answer to the same GET). Run as its
 * own process: `node --import tsx bench/support/bare-server.ts '<json>'`;
 * prints `PORT <n>` when listening.
 */
import https from "node:https";
import type { AddressInfo } from "node:net";

export interface BareServerConfig {
  cert: string;
  key: string;
  ca: string;
  body: string;
  headers: Record<string, string>;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, "/"))) {
  const cfg = JSON.parse(process.argv[2]!) as BareServerConfig;
  const body = Buffer.from(cfg.body);
  const headers = { ...cfg.headers, "Content-Length": String(body.length) };
  const server = https.createServer({ cert: cfg.cert, key: cfg.key, ca: cfg.ca, requestCert: true, rejectUnauthorized: true, keepAliveTimeout: 90_000 }, (_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`));
  process.on("SIGTERM", () => process.exit(0));
}
