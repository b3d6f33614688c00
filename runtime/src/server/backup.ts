/**
 * Backup and restore of the embedded SQLite store: `<server> backup <file>` and
 * `<server> restore <file>` (etcd users have `etcdctl snapshot save/restore`).
 *
 * The server holds its database with an EXCLUSIVE lock, so no other process can
 * read it while it runs. A running server therefore takes the backup itself:
 * it listens on `<database>.backup.sock` next to the database, and `backup`
 * asks it there; SQLite's online backup API then copies the database through
 * the server's own connection while writes go on, and every write acknowledged
 * before the request is in the copy. With no server running, `backup` reads the
 * file directly. `restore` replaces the database and needs the server stopped.
 */
import Database from "better-sqlite3";
import { existsSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { resolve } from "node:path";
import { openSqliteBackend } from "../storage/sqlite.js";
import { parseServerFlags } from "./flags.js";
import type { ServerNames } from "./names.js";

export const STORAGE_COMMANDS = ["backup", "restore"] as const;

export function storageCommandsUsage(program: string): string {
  return `Usage:
  ${program} backup <file> [--storage=sqlite:<path>]    online copy of the SQLite database to <file>
  ${program} restore <file> [--storage=sqlite:<path>]   replace the database with <file> (server stopped)
For etcd storage use etcdctl snapshot save / restore.`;
}

const socketPath = (dbPath: string) => `${dbPath}.backup.sock`;

function sqlitePath(storage: string): string {
  if (!storage.startsWith("sqlite:") || storage === "sqlite::memory:" || storage === "sqlite:") {
    throw new Error(`backup and restore work on sqlite:<path> storage, not ${JSON.stringify(storage)}; for etcd use etcdctl snapshot save / restore`);
  }
  return resolve(storage.slice("sqlite:".length));
}

interface Reply {
  ok?: boolean;
  error?: string;
}

/** Sends one request line to the server's backup socket; undefined when no server listens there. */
function ask(sock: string, request: object): Promise<Reply | undefined> {
  return new Promise((done, fail) => {
    if (!existsSync(sock)) return done(undefined);
    const c = connect(sock);
    let answer = "";
    let connected = false;
    c.on("connect", () => {
      connected = true;
      c.write(JSON.stringify(request) + "\n");
    });
    c.on("data", (d) => (answer += d));
    c.on("end", () => {
      try {
        done(JSON.parse(answer) as Reply);
      } catch {
        fail(new Error(`unexpected answer from ${sock}: ${answer}`));
      }
    });
    c.on("error", (err) => (connected ? fail(err) : done(undefined)));
  });
}

/** Fails unless `file` is a readable SQLite database holding the store's table. */
function checkDatabase(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`${file}: integrity check failed: ${String(integrity)}`);
    if (!db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kv'").get()) {
      throw new Error(`${file} is not a backup of this server's storage (no kv table)`);
    }
  } finally {
    db.close();
  }
}

async function backup(dbPath: string, file: string): Promise<string> {
  const reply = await ask(socketPath(dbPath), { backup: file });
  if (reply) {
    if (!reply.ok) throw new Error(reply.error ?? "backup failed");
    return `backed up ${dbPath} to ${file} (online, through the running server)`;
  }
  if (!existsSync(dbPath)) throw new Error(`no database at ${dbPath}`);
  let db: Database.Database;
  try {
    db = new Database(dbPath, { fileMustExist: true });
    db.pragma("schema_version"); // takes the shared lock now: busy if a server holds the file
  } catch (err) {
    throw new Error(`${dbPath} is in use and no server answers on ${socketPath(dbPath)}: ${(err as Error).message}`);
  }
  try {
    await db.backup(file);
  } finally {
    db.close();
  }
  return `backed up ${dbPath} to ${file}`;
}

async function restore(dbPath: string, file: string): Promise<string> {
  if (await ask(socketPath(dbPath), { ping: true })) throw new Error(`a server is running on ${dbPath}: stop it before restoring`);
  checkDatabase(file);
  // Copy beside the target, then swap it in: a failed restore leaves the old database whole.
  const staging = `${dbPath}.restoring`;
  rmSync(staging, { force: true });
  const src = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await src.backup(staging);
  } finally {
    src.close();
  }
  for (const leftover of [`${dbPath}-wal`, `${dbPath}-shm`]) rmSync(leftover, { force: true });
  renameSync(staging, dbPath);
  return `restored ${dbPath} from ${file}`;
}

/**
 * Runs `backup <file>` / `restore <file>` (argv[0] is the command); prints one
 * line and sets the exit code (1 on failure, 2 on bad usage).
 */
export async function runStorageCommand(argv: string[], out: (line: string) => void, names: ServerNames): Promise<void> {
  const [command, file, ...flagArgs] = argv;
  try {
    if (!file || file.startsWith("-")) throw Object.assign(new Error(`${command}: missing <file>`), { usage: true });
    let storage: string;
    try {
      storage = parseServerFlags(flagArgs, names).storage;
    } catch (err) {
      throw Object.assign(err as Error, { usage: true });
    }
    const dbPath = sqlitePath(storage);
    const target = resolve(file);
    out(command === "backup" ? await backup(dbPath, target) : await restore(dbPath, target));
  } catch (err) {
    const usage = (err as { usage?: boolean }).usage;
    out(`Error: ${(err as Error).message}${usage ? `\n\n${storageCommandsUsage(names.program)}` : ""}`);
    process.exitCode = usage ? 2 : 1;
  }
}

/**
 * For a server on `sqlite:<path>`: answers backup requests on `<path>.backup.sock`
 * with the server's own connection. Undefined for other storage.
 */
export async function serveBackups(storage: string, log: (line: string) => void): Promise<{ close(): Promise<void> } | undefined> {
  if (!storage.startsWith("sqlite:")) return undefined;
  const dbPath = resolve(storage.slice("sqlite:".length));
  if (!openSqliteBackend(dbPath)) return undefined;
  const sock = socketPath(dbPath);
  // This process holds the database's lock, so a socket file left there is a crashed server's.
  if (existsSync(sock)) unlinkSync(sock);
  const server: Server = createServer((c) => {
    let line = "";
    c.on("data", (d) => {
      line += d;
      if (!line.includes("\n")) return;
      void (async () => {
        let reply: Reply;
        try {
          const req = JSON.parse(line) as { backup?: string; ping?: boolean };
          const backend = openSqliteBackend(dbPath);
          if (req.backup) {
            if (!backend) throw new Error("storage is closed");
            await backend.backup(req.backup);
            log(`backup: ${dbPath} copied to ${req.backup}`);
          }
          reply = { ok: true };
        } catch (err) {
          reply = { error: (err as Error).message };
        }
        c.end(JSON.stringify(reply));
      })();
    });
    c.on("error", () => {});
  });
  try {
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(sock, () => ok());
    });
  } catch (err) {
    // Serving matters more than backups (e.g. a socket path over the OS's 107-byte limit).
    log(`backup: cannot listen on ${sock}: ${(err as Error).message}; online backups are off`);
    return undefined;
  }
  return {
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
      }),
  };
}
