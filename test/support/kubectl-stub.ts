/**
 * A stand-in API server for kubectl's client-side commands (explain, client-side
 * validation and apply): it serves fixed JSON routes (discovery, the OpenAPI index,
 * /version), lets a test's handler answer first, and answers the rest with a 404
 * Status, which client-go reads as "absent" (a /api 404: no core group). kubectl runs
 * with a home and kubeconfig of its own, so nothing of the user's leaks in.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Answers a request and returns true, or returns false to leave it to the routes. */
export type StubHandler = (req: IncomingMessage, res: ServerResponse, path: string, body: string) => boolean;

export interface KubectlResult {
  code: number | null;
  out: string;
  err: string;
}

export interface KubectlStub {
  /** Runs kubectl against the stub, with `input` on its standard input. */
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  close(): void;
}

export async function startKubectlStub(routes: Record<string, unknown>, handler: StubHandler = () => false): Promise<KubectlStub> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    let body = "";
    for await (const chunk of req) body += chunk;
    if (handler(req, res, path, body)) return;
    const found = routes[path];
    res.writeHead(found === undefined ? 404 : 200, { "Content-Type": "application/json" });
    res.end(found === undefined ? JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }) : JSON.stringify(found));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const home = mkdtempSync(join(tmpdir(), "kubectl-stub-"));
  writeFileSync(join(home, "config"), "apiVersion: v1\nkind: Config\n");
  return {
    async kubectl(args, input = "") {
      const child = execFile("kubectl", [...args, "--server", base, "--kubeconfig", join(home, "config"), "--cache-dir", join(home, "cache")], { env: { ...process.env, HOME: home } });
      child.stdin!.end(input);
      let out = "";
      let err = "";
      child.stdout!.on("data", (d) => (out += d));
      child.stderr!.on("data", (d) => (err += d));
      const code = await new Promise<number | null>((ok) => child.on("close", ok));
      return { code, out, err };
    },
    close() {
      server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
