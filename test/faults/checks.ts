/**
 * Helpers for the fault tests: a client that fails over between replicas, a check that
 * every non-2xx answer is a Kubernetes Status (5xx ones with Retry-After), and the
 * history checker over recorded watch streams.
 */
import assert from "node:assert/strict";
import type { Reply } from "../support/admin-http.js";
import type { Replica } from "../replicas/harness.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A transient failure must be a Status, and a 5xx one must say when to retry. */
export function assertRetryableStatus(r: Reply, what: string): void {
  let st: { kind?: string; code?: number };
  try {
    st = r.json();
  } catch {
    assert.fail(`${what}: ${r.status} without a Status body: ${r.text.slice(0, 200)}`);
  }
  assert.equal(st.kind, "Status", `${what}: ${r.text.slice(0, 200)}`);
  assert.equal(st.code, r.status);
  if (r.status >= 500) assert.ok(r.headers["retry-after"], `${what}: ${r.status} without Retry-After: ${r.text.slice(0, 200)}`);
}

/**
 * Sends to the first replica that answers: a connection error (replica killed) moves on to
 * the next one; a 5xx Status with Retry-After is retried after a short pause.
 */
export async function failover(
  replicas: Replica[],
  path: string,
  opts: { method?: string; body?: unknown },
  deadlineMs = 20_000,
): Promise<Reply> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (let i = 0; Date.now() < deadline; i++) {
    const r = replicas[i % replicas.length]!;
    try {
      const res = await r.req(path, { ...opts, deadlineMs: 8000 });
      if (res.status < 500) return res;
      assertRetryableStatus(res, `${opts.method ?? "GET"} ${path}`);
      last = new Error(`${res.status} ${res.text}`);
      await sleep(100);
    } catch (err) {
      if ((err as { code?: string }).code === "ERR_ASSERTION") throw err;
      last = err;
      await sleep(20);
    }
  }
  throw new Error(`no replica answered ${path} within ${deadlineMs} ms: ${String(last)}`);
}

export interface RecordedEvent {
  type: string;
  rv: number;
  name: string;
  object: any;
}

/**
 * Watch streams must be ordered (strictly increasing resourceVersions), unique, and
 * gap-free: every acknowledged write's resourceVersion in [from, to] appears.
 */
export function checkStream(events: RecordedEvent[], acknowledged: number[], from: number, to: number, what: string): void {
  const rvs = events.map((e) => e.rv);
  for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, `${what}: not strictly increasing at ${i}: ${rvs[i - 1]} then ${rvs[i]}`);
  const seen = new Set(rvs);
  const missing = acknowledged.filter((rv) => rv > from && rv <= to && !seen.has(rv));
  assert.deepEqual(missing, [], `${what}: acknowledged writes missing from the stream`);
  const ack = new Set(acknowledged);
  const unknown = rvs.filter((rv) => rv > from && rv <= to && !ack.has(rv));
  assert.deepEqual(unknown, [], `${what}: events for writes nobody made`);
}

export function toRecorded(e: { type: string; object: any }): RecordedEvent {
  return { type: e.type, rv: Number(e.object.metadata.resourceVersion), name: e.object.metadata.name, object: e.object };
}
