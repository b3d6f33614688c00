/**
 * SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 §2.2, as github.com/moby/spdystream
 * reads and writes it for Kubernetes): control frames (bit 31 set, version 3, a type) and
 * data frames (a stream id), each with 8 flag bits and a 24-bit length. Header blocks
 * travel compressed (./headers.ts); this module only cuts and builds frames.
 */

const VERSION = 3;
export const FLAG_FIN = 0x01;
const HEADER_BYTES = 8;
/** The largest payload one frame can carry (24-bit length). */
export const MAX_PAYLOAD = (1 << 24) - 1;

/** The control frames acted on; SETTINGS (4) and WINDOW_UPDATE (9) are read and ignored. */
export const ControlType = { SynStream: 1, SynReply: 2, RstStream: 3, Ping: 6, GoAway: 7, Headers: 8 } as const;

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** Cuts whole frames off `buf`; returns them and the bytes of an incomplete frame still to come. */
export function readFrames(buf: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let at = 0;
  while (buf.length - at >= HEADER_BYTES) {
    const length = buf.readUIntBE(at + 5, 3);
    if (buf.length - at < HEADER_BYTES + length) break;
    const first = buf.readUInt32BE(at);
    const flags = buf[at + 4];
    const payload = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
    frames.push(first & 0x80000000 ? { control: true, type: first & 0xffff, flags, payload } : { control: false, streamId: first & 0x7fffffff, flags, payload });
    at += HEADER_BYTES + length;
  }
  return { frames, rest: buf.subarray(at) };
}

function header(first: number, flags: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES);
  out.writeUInt32BE(first >>> 0, 0);
  out[4] = flags;
  out.writeUIntBE(length, 5, 3);
  return out;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([header((0x8000 | VERSION) * 0x10000 + type, flags, payload.length), payload]);
}

export function dataFrame(streamId: number, payload: Uint8Array, flags = 0): Buffer {
  return Buffer.concat([header(streamId & 0x7fffffff, flags, payload.length), payload]);
}

const u32 = (...values: number[]): Buffer => {
  const out = Buffer.allocUnsafe(4 * values.length);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, 4 * i));
  return out;
};

/** The stream id a SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS or WINDOW_UPDATE payload starts with. */
export const streamIdOf = (payload: Buffer): number => payload.readUInt32BE(0) & 0x7fffffff;

/** Where a SYN_STREAM's compressed header block starts: stream id, associated id, priority and slot come first. */
export const SYN_STREAM_HEADERS_AT = 10;
/** Where the header block of SYN_REPLY and HEADERS starts. */
export const STREAM_HEADERS_AT = 4;

export const synReply = (streamId: number, headerBlock: Buffer, flags = 0): Buffer =>
  controlFrame(ControlType.SynReply, flags, Buffer.concat([u32(streamId), headerBlock]));

export const goAway = (lastGoodStreamId: number): Buffer => controlFrame(ControlType.GoAway, 0, u32(lastGoodStreamId, 0));

/** A name/value header block before compression: lower-case names, several values joined by NUL. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [u32(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s, "utf8");
      parts.push(u32(b.length), b);
    }
  }
  return Buffer.concat(parts);
}

/** Decodes a header block (names lower-case, first value of each); throws on a truncated block. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  const count = block.readUInt32BE(0);
  let at = 4;
  const next = (): string => {
    const n = block.readUInt32BE(at);
    if (at + 4 + n > block.length) throw new RangeError("header block truncated");
    const s = block.toString("utf8", at + 4, at + 4 + n);
    at += 4 + n;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = next().toLowerCase();
    const value = next().split("\0")[0];
    if (!headers.has(name)) headers.set(name, value);
  }
  return headers;
}
