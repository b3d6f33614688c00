/**
 * SPDY/3 framing and header compression as github.com/moby/spdystream's spdy package
 * reads and writes them: frames cut from a byte stream wherever it splits, and header
 * blocks through one zlib context per direction primed with SPDY/3's dictionary.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SPDY3_DICTIONARY } from "../../runtime/src/connect/spdy/dictionary.js";
import { ControlType, dataFrame, decodeHeaderBlock, encodeHeaderBlock, FLAG_FIN, readFrames, synReply } from "../../runtime/src/connect/spdy/frames.js";
import { HeaderCompression } from "../../runtime/src/connect/spdy/headers.js";

test("frames come out whole however the bytes are split; an incomplete one waits", () => {
  const bytes = Buffer.concat([dataFrame(1, Buffer.from("hello")), synReply(3, Buffer.from([0, 0, 0, 0])), dataFrame(5, Buffer.alloc(0), FLAG_FIN)]);
  for (let split = 0; split <= bytes.length; split++) {
    const first = readFrames(bytes.subarray(0, split));
    const second = readFrames(Buffer.concat([first.rest, bytes.subarray(split)]));
    const frames = [...first.frames, ...second.frames];
    assert.equal(second.rest.length, 0);
    assert.deepEqual(
      frames.map((f) => (f.control ? ["control", f.type, f.flags, f.payload.length] : ["data", f.streamId, f.flags, f.payload.toString()])),
      [
        ["data", 1, 0, "hello"],
        ["control", ControlType.SynReply, 0, 8],
        ["data", 5, FLAG_FIN, ""],
      ],
    );
  }
});

test("a header block: lower-case names, the first of NUL-separated values", () => {
  const block = encodeHeaderBlock({ StreamType: "stdout", accept: "a\0b" });
  assert.deepEqual([...decodeHeaderBlock(block)], [
    ["streamtype", "stdout"],
    ["accept", "a"],
  ]);
  assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 2)), RangeError);
});

test("header blocks share one zlib stream per direction, primed with the SPDY/3 dictionary", async () => {
  const ours = new HeaderCompression();
  const peer = new HeaderCompression();
  const blocks = [encodeHeaderBlock({ streamtype: "error" }), encodeHeaderBlock({ streamtype: "stdin" }), encodeHeaderBlock({})];
  const compressed = await Promise.all(blocks.map((b) => ours.compress(b)));
  // the first block names the dictionary (FDICT, with its Adler-32) as Go's zlib.NewReaderDict expects
  assert.equal(compressed[0][1] & 0x20, 0x20);
  assert.equal(compressed[0].readUInt32BE(2), adler32(SPDY3_DICTIONARY));
  for (const [i, c] of compressed.entries()) assert.deepEqual(await peer.decompress(c), blocks[i]);
  ours.close();
  peer.close();
});

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
