/**
 * Merges several log streams line by line, each line prefixed (e.g. with the
 * worker's name), in arrival order: what a user provider returns for
 * "the logs of all my pods". Partial lines wait for their newline so lines of
 * different sources never interleave mid-line.
 */
import type { LogStream } from "./types.js";

export interface LogSource {
  prefix: string;
  stream: LogStream;
}

export async function* mergeLines(sources: LogSource[]): AsyncGenerator<string, void, undefined> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let running = sources.length;
  let failure: unknown;
  const push = (s: string) => {
    queue.push(s);
    wake?.();
  };
  const iterators: AsyncIterator<Uint8Array | string>[] = [];
  const readOne = async ({ prefix, stream }: LogSource) => {
    const decoder = new TextDecoder();
    let partial = "";
    const it = stream[Symbol.asyncIterator]();
    iterators.push(it);
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        const text = partial + (typeof r.value === "string" ? r.value : decoder.decode(r.value, { stream: true }));
        const lines = text.split("\n");
        partial = lines.pop() ?? "";
        if (lines.length) push(lines.map((l) => `${prefix}${l}\n`).join(""));
      }
      if (partial) push(`${prefix}${partial}\n`);
    } catch (err) {
      failure ??= err;
    } finally {
      running--;
      wake?.();
    }
  };
  for (const s of sources) void readOne(s);
  try {
    while (true) {
      if (queue.length) {
        yield queue.splice(0).join("");
        continue;
      }
      if (failure !== undefined) throw failure;
      if (running === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    // The consumer stopped (client gone): stop every source too.
    for (const it of iterators) void Promise.resolve(it.return?.()).catch(() => {});
  }
}
