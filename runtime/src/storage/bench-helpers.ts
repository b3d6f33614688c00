/**
 * Micro-benchmarks for the storage layer: creates/s through a Storage with N
 * concurrent callers, and the raw better-sqlite3 baseline with the same
 * durability (WAL, synchronous=FULL, one transaction per insert).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Storage } from "./interface.js";

export interface BenchResult {
  ops: number;
  seconds: number;
  opsPerSecond: number;
}

/** `total` creates spread over `concurrency` callers, each awaiting its previous create. */
export async function benchCreates(store: Storage, total = 5000, concurrency = 16, prefix = "/bench.example.com/things/default/"): Promise<BenchResult> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const name = `obj-${i}`;
        await store.create(prefix + name, {
          apiVersion: "bench.example.com/v1",
          kind: "Thing",
          metadata: { name, namespace: "default", uid: `uid-${i}`, labels: { app: "bench" } },
          spec: { replicas: i % 7, image: "registry.example.com/app:1.0" },
        });
      }
    }),
  );
  return result(total, t0);
}

/** Raw inserts into a kine-shaped table, one durable transaction each (the ceiling without grouping). */
export function benchRawSqliteInserts(path: string, total = 2000): BenchResult {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE IF NOT EXISTS kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER NOT NULL,
    deleted INTEGER NOT NULL, prev_revision INTEGER NOT NULL, value TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);`);
  const insert = db.prepare(`INSERT INTO kv (name, created, deleted, prev_revision, value) VALUES (?, 1, 0, 0, ?)`);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; i++) {
    const name = `obj-${i}`;
    const value = JSON.stringify({
      apiVersion: "bench.example.com/v1",
      kind: "Thing",
      metadata: { name, namespace: "default", uid: `uid-${i}`, labels: { app: "bench" } },
      spec: { replicas: i % 7, image: "registry.example.com/app:1.0" },
    });
    insert.run(`/bench.example.com/things/default/${name}`, value); // autocommit: one fsync each
  }
  const r = result(total, t0);
  db.close();
  return r;
}

function result(ops: number, t0: bigint): BenchResult {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { ops, seconds, opsPerSecond: Math.round(ops / seconds) };
}
