/**
 * /healthz, /livez and /readyz as k8s.io/apiserver/pkg/server/healthz: `ok`,
 * `?verbose` listing, `?exclude=<check>`, `/<endpoint>/<check>` subpaths, and
 * 500 with `[-]<check> failed: reason withheld` on failure.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { writePlainError } from "./responses.js";

export interface HealthCheck {
  name: string;
  /** Throws (or rejects) when unhealthy. */
  check(): void | Promise<void>;
}

export type HealthEndpoint = "healthz" | "livez" | "readyz";

export interface HealthChecks {
  healthz: HealthCheck[];
  livez: HealthCheck[];
  readyz: HealthCheck[];
}

export const pingCheck: HealthCheck = { name: "ping", check() {} };

/** Fails once the server starts shutting down, so load balancers stop sending traffic (kube's readyz "shutdown"). */
export function shutdownCheck(isShuttingDown: () => boolean): HealthCheck {
  return {
    name: "shutdown",
    check() {
      if (isShuttingDown()) throw new Error("process is shutting down");
    },
  };
}

const PLAIN = { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" };

async function run(check: HealthCheck): Promise<Error | undefined> {
  try {
    await check.check();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * `rest` is what follows /<endpoint> in the path ("" or "/<check>").
 * Returns false when the subpath names no check (the caller answers 404).
 */
export async function serveHealth(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: HealthEndpoint,
  checks: HealthCheck[],
  rest: string,
  query: URLSearchParams,
): Promise<boolean> {
  if (rest !== "" && rest !== "/") {
    const check = checks.find((c) => `/${c.name}` === rest);
    if (!check) return false;
    const err = await run(check);
    if (err) writePlainError(res, 500, `internal server error: ${err.message}`);
    else {
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("ok");
    }
    return true;
  }

  const excluded = new Set(query.getAll("exclude"));
  let output = "";
  const failed: string[] = [];
  for (const check of checks) {
    if (excluded.delete(check.name)) {
      output += `[+]${check.name} excluded: ok\n`;
      continue;
    }
    const err = await run(check);
    if (err) {
      // The reason stays out of the public answer, as kube does.
      output += `[-]${check.name} failed: reason withheld\n`;
      failed.push(check.name);
    } else output += `[+]${check.name} ok\n`;
  }
  if (excluded.size > 0) {
    const names = [...excluded].sort().map((n) => JSON.stringify(n)).join(",");
    output += `warn: some health checks cannot be excluded: no matches for ${names}\n`;
  }
  if (failed.length > 0) {
    writePlainError(res, 500, `${output}${endpoint} check failed`);
    return true;
  }
  res.writeHead(200, PLAIN);
  res.end(query.has("verbose") ? `${output}${endpoint} check passed\n` : "ok");
  return true;
}
