/**
 * The generated server's main runs on a thread with a deep stack.
 *
 * kube-apiserver's decoders accept objects nested 10,000 levels deep, and every
 * path an object takes (defaulting, pruning, validation, CEL, conversion,
 * patches, managed fields, encoding) recurses over it; Go's goroutine stacks
 * grow to 1 GB, so kube never runs out. Node's main thread stops at about 1 MB,
 * some 3,000 levels of JSON.stringify. A worker thread's stack is sized when
 * it starts: SERVING_STACK_MB gives every one of those paths room for kube's
 * full depth many times over (test/e2e/hostile-input.test.ts stores, reads,
 * patches and converts objects at the limit). The main thread only forwards
 * signals and the exit code.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker } from "node:worker_threads";

/**
 * Stack of the serving thread. The deepest path (a merge patch, then apply's
 * field sets, at 10,000 levels) uses a few MB; the rest is headroom. Pages are
 * touched only as deep as a request goes.
 */
const SERVING_STACK_MB = 256;

const SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

interface SignalMessage {
  signal: NodeJS.Signals;
}

/**
 * Starts `serveModule` (a module whose top level runs the server with
 * `process.argv`) on a serving thread and mirrors its exit code. A second
 * SIGTERM/SIGINT while the server shuts down exits at once, as kube-apiserver does.
 */
export function runOnServingThread(serveModule: URL): void {
  const module = sourceOrBuilt(serveModule);
  if (module.pathname.endsWith(".ts")) {
    // Run from TypeScript source through a loader (tsx): Node 20 does not hand loaders to
    // worker threads, so a source run serves on this thread, with Node's default stack.
    void import(module.href);
    return;
  }
  const worker = new Worker(module, {
    argv: process.argv.slice(2),
    resourceLimits: { stackSizeMb: SERVING_STACK_MB },
  });
  let signalled = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (signalled) process.exit(1);
      signalled = true;
      worker.postMessage({ signal } satisfies SignalMessage);
    });
  }
  worker.on("error", (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
  worker.on("exit", (code) => {
    process.exitCode ||= code;
    // Signal listeners would keep nothing alive, but say so plainly: the server is gone.
    for (const signal of SIGNALS) process.removeAllListeners(signal);
  });
}

/**
 * The module as it exists: a main run from its TypeScript source (through a loader such
 * as tsx, which the worker inherits with execArgv) names `serve.js`, but only `serve.ts` is there.
 */
function sourceOrBuilt(module: URL): URL {
  if (module.protocol !== "file:" || existsSync(fileURLToPath(module))) return module;
  const source = new URL(module.href.replace(/\.js$/, ".ts"));
  return existsSync(fileURLToPath(source)) ? source : module;
}

/**
 * Calls `handler` on SIGTERM/SIGINT, on the main thread or on a serving thread
 * (whose signals arrive from runOnServingThread). Returns a function that stops listening.
 */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  if (isMainThread || !parentPort) {
    for (const signal of SIGNALS) process.on(signal, handler);
    return () => {
      for (const signal of SIGNALS) process.off(signal, handler);
    };
  }
  const port = parentPort;
  const onMessage = (msg: unknown) => {
    const signal = (msg as Partial<SignalMessage> | null)?.signal;
    if (signal && SIGNALS.includes(signal)) handler(signal);
  };
  port.on("message", onMessage);
  // Listening for signals must not keep a finished server's thread alive.
  port.unref();
  return () => void port.off("message", onMessage);
}
