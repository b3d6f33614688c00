/**
 * The storage rows' baseline: raw better-sqlite3 inserts with the SQLite backend's
 * durability (WAL, synchronous=FULL, one transaction per insert).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

interface BenchResult {
  ops: number;
  seconds: number;
  opsPerSecond: number;
  /** CPU time per insert (the rest of each insert's time waits for the disk's flush). */
  cpuUsPerOp: number;
}

/**
 * Raw inserts into a kine-shaped table, one durable transaction each (the ceiling without
 * grouping), of values `valueBytes` long: the size of the objects the server stores.
 */
export function benchRawSqliteInserts(path: string, total: number, valueBytes: number): BenchResult {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(`CREATE TABLE IF NOT EXISTS kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, created INTEGER NOT NULL,
    deleted INTEGER NOT NULL, prev_revision INTEGER NOT NULL, value TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);`);
  const insert = db.prepare(`INSERT INTO kv (name, created, deleted, prev_revision, value) VALUES (?, 1, 0, 0, ?)`);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < total; i++) {
    const name = `obj-${i}`;
    const object = {
      apiVersion: "bench.example.com/v1",
      kind: "Thing",
      metadata: { name, namespace: "default", uid: `uid-${i}`, labels: { app: "bench" } },
      spec: { replicas: i % 7, image: "registry.example.com/app:1.0", note: "" },
    };
    object.spec.note = "x".repeat(Math.max(0, valueBytes - JSON.stringify(object).length));
    const value = JSON.stringify(object);
    insert.run(`/bench.example.com/things/default/${name}`, value); // autocommit: one fsync each
  }
  const r = result(total, t0, cpu0);
  db.close();
  return r;
}

function result(ops: number, t0: bigint, cpu0: NodeJS.CpuUsage): BenchResult {
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { ops, seconds, opsPerSecond: Math.round(ops / seconds), cpuUsPerOp: (cpu.user + cpu.system) / ops };
}
