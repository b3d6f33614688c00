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
  /** `kubectl explain <args>`'s output; a failing explain fails the test. */
  explain(...args: string[]): Promise<string>;
  close(): void;
}

/**
 * The routes kubectl reads before anything else: one group-version in aggregated-free
 * discovery, its resources, the OpenAPI v3 index pointing at `/openapi/v3/apis/<gv>`
 * (the test serves that document), and /version.
 */
export function discoveryRoutes(group: string, version: string, resources: object[]): Record<string, unknown> {
  const gv = `${group}/${version}`;
  return {
    "/apis": { kind: "APIGroupList", groups: [{ name: group, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } }] },
    [`/apis/${gv}`]: { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources },
    "/openapi/v3": { paths: { [`apis/${gv}`]: { serverRelativeURL: `/openapi/v3/apis/${gv}?hash=0` } } },
    "/version": { major: "1", minor: "32", gitVersion: "v1.32.0" },
  };
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
  const stub: KubectlStub = {
    async explain(...args) {
      const r = await stub.kubectl(["explain", ...args]);
      if (r.code !== 0) throw new Error(`kubectl explain ${args.join(" ")} exited ${r.code}: ${r.err}`);
      return r.out;
    },
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
  return stub;
}
