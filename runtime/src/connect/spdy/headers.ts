/**
 * Header block compression of one SPDY/3 connection: each direction is a single zlib
 * stream primed with the SPDY dictionary, flushed (Z_SYNC_FLUSH) after every block, so a
 * block can only be read after all the blocks before it. Calls are therefore queued.
 */
import zlib from "node:zlib";
import { SPDY3_DICTIONARY } from "./dictionary.js";

/** One direction: a zlib stream and the queue of blocks through it. */
class BlockStream {
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  constructor(private readonly stream: zlib.Inflate | zlib.Deflate) {
    stream.on("error", (e: Error) => (this.failure = e));
  }

  /** The block through the stream, in call order. */
  pass(block: Buffer): Promise<Buffer> {
    const run = () =>
      new Promise<Buffer>((resolve, reject) => {
        if (this.failure) return reject(this.failure);
        this.stream.write(block);
        this.stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          if (this.failure) return reject(this.failure);
          // the output of this block was pushed before the flush completed
          resolve((this.stream.read() as Buffer | null) ?? Buffer.alloc(0));
        });
      });
    const result = this.queue.then(run);
    this.queue = result.catch(() => {});
    return result;
  }

  close(): void {
    this.stream.destroy();
  }
}

export class HeaderCompression {
  private readonly inflater = new BlockStream(zlib.createInflate({ dictionary: SPDY3_DICTIONARY }));
  private readonly deflater = new BlockStream(zlib.createDeflate({ dictionary: SPDY3_DICTIONARY }));

  /** A block the peer sent. */
  decompress(block: Buffer): Promise<Buffer> {
    return this.inflater.pass(block);
  }

  /** A block to send. */
  compress(block: Buffer): Promise<Buffer> {
    return this.deflater.pass(block);
  }

  close(): void {
    this.inflater.close();
    this.deflater.close();
  }
}
