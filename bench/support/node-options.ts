/** Runs `fn` (which starts child processes) with `opts` appended to NODE_OPTIONS, restoring it after. */
export async function withNodeOptions<T>(opts: string, fn: () => Promise<T>): Promise<T> {
  const prev = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [prev, opts].filter(Boolean).join(" ");
  try {
    return await fn();
  } finally {
    if (prev === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = prev;
  }
}
