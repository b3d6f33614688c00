/** A byte stream as lines (without their "\n"); a last line without a newline is still a line. */
export async function* splitLines(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let partial = "";
  for await (const chunk of stream) {
    const text = partial + (typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    yield* lines;
  }
  partial += decoder.decode();
  if (partial) yield partial;
}
