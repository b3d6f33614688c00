/**
 * A plain-HTTP GET of `/` on a loopback test server with the given header lines, answered
 * with JSON: for tests of what a handler sees of a request's headers.
 */
import http from "node:http";

/** Sends the headers in this order (an array is one line per value); resolves with the parsed body. */
export function sendHeaderLines<T>(port: number, headers: Record<string, string | string[]>, agent?: http.Agent): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: "127.0.0.1", path: "/", headers, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(JSON.parse(body) as T));
    });
    req.on("error", reject);
    req.end();
  });
}
