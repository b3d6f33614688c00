/**
 * The baseline of the log benchmark: the least an HTTPS hop can do, one
 * request piped to the backend's response (`backend.pipe(res)`), no
 * authentication, routing or object lookup. `node --import tsx bench/support/connect-pipe.ts <backend-url> <token> <ca-file> <cert-dir>`.
 */
import https from "node:https";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

const [backend, token, caFile, certDir] = process.argv.slice(2);
const ca = readFileSync(caFile!, "utf8");
const agent = new https.Agent({ keepAlive: true, ca });
const server = https.createServer({ cert: readFileSync(join(certDir!, "apiserver.crt")), key: readFileSync(join(certDir!, "apiserver.key")) }, (req, res) => {
  const up = https.get(`${backend}${req.url}`, { agent, headers: { Authorization: `Bearer ${token}` } }, (upRes) => {
    res.writeHead(upRes.statusCode ?? 502, { "Content-Type": "text/plain" });
    upRes.pipe(res);
  });
  res.on("close", () => up.destroy());
});
server.listen(0, "127.0.0.1", () => console.log(`Serving on https://127.0.0.1:${(server.address() as AddressInfo).port}`));
