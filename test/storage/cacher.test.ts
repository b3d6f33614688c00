/**
 * The watch cache: the shared storage suite, unchanged, over Cacher(memory) and
 * Cacher(sqlite), then what only a cache does.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { createMemoryStorage, createSqliteStorage, type KVStore, type StoreOptions } from "../../runtime/src/storage/index.js";
import { Cacher } from "../../runtime/src/storage/cacher/index.js";
import { runStorageSuite } from "./suite.js";

const dir = mkdtempSync(join(tmpdir(), "skai-cacher-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** The suite types its stores as KVStore; the Cacher offers the parts it uses (hub.watcherCount, stopCompaction). */
const cached = (backend: KVStore, opts: StoreOptions) => new Cacher(backend, opts) as unknown as KVStore;

runStorageSuite("cacher(memory)", (opts) => cached(createMemoryStorage(opts), opts));
runStorageSuite("cacher(sqlite)", (opts) => cached(createSqliteStorage(join(dir, `suite-${n++}`, "db.sqlite"), opts), opts));
