/**
 * HPACK (RFC 7541) for the etcd gRPC client's HTTP/2 connection (h2-session.ts): a full
 * decoder (etcd's Go server indexes headers in its dynamic table and Huffman-codes them), and
 * an encoder that writes every field as a literal without indexing, which is always valid
 * and keeps the encoder stateless.
 * Header names and values are handled as latin1 strings, so a string's length is its octet count.
 */

/** RFC 7541 Appendix A: entries 1..61. */
export type HeaderField = readonly [name: string, value: string];

const STATIC_TABLE: readonly HeaderField[] = [
  [":authority", ""], [":method", "GET"], [":method", "POST"], [":path", "/"], [":path", "/index.html"], [":scheme", "http"],
  [":scheme", "https"], [":status", "200"], [":status", "204"], [":status", "206"], [":status", "304"], [":status", "400"],
  [":status", "404"], [":status", "500"], ["accept-charset", ""], ["accept-encoding", "gzip, deflate"], ["accept-language", ""],
  ["accept-ranges", ""], ["accept", ""], ["access-control-allow-origin", ""], ["age", ""], ["allow", ""], ["authorization", ""],
  ["cache-control", ""], ["content-disposition", ""], ["content-encoding", ""], ["content-language", ""], ["content-length", ""],
  ["content-location", ""], ["content-range", ""], ["content-type", ""], ["cookie", ""], ["date", ""], ["etag", ""], ["expect", ""],
  ["expires", ""], ["from", ""], ["host", ""], ["if-match", ""], ["if-modified-since", ""], ["if-none-match", ""], ["if-range", ""],
  ["if-unmodified-since", ""], ["last-modified", ""], ["link", ""], ["location", ""], ["max-forwards", ""], ["proxy-authenticate", ""],
  ["proxy-authorization", ""], ["range", ""], ["referer", ""], ["refresh", ""], ["retry-after", ""], ["server", ""], ["set-cookie", ""],
  ["strict-transport-security", ""], ["transfer-encoding", ""], ["user-agent", ""], ["vary", ""], ["via", ""], ["www-authenticate", ""],
];

/**
 * RFC 7541 Appendix B's code lengths for symbols 0..256 (EOS), one character each (`"0" + length`).
 * The code is canonical (codes assigned in order of length, then symbol), so the lengths define it.
 */
const HUFFMAN_LENGTHS =
  "=GLLLLLLLHNLLNLLLLLLLLNLLLLLLLLL6::<=68;::8;8666555666666678?6<:=67777777777777777777777878=C=>6?56565666577666567655677777?;>=L" +
  "DFDDFFFGFGGGGGHGHHFGHGGGGEFGFGGHFEDFFGGEGFFHEFGGEEFEGFGGDFFFGFFGJJDCFGFIJJJKKJHICEJKKJKHEEJJLKKKDHDEFEEGFFIIHHJGJKJJKKKKKLKKKKKJN";
const EOS = 256;

/** Canonical decoding tables: per code length, its first code, how many codes, and where its symbols start in `symbols`. */
const huffman = (() => {
  const lengths = [...HUFFMAN_LENGTHS].map((c) => c.charCodeAt(0) - 48);
  const symbols = lengths.map((_, s) => s).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const first = new Array<number>(31).fill(0);
  const count = new Array<number>(31).fill(0);
  const offset = new Array<number>(31).fill(0);
  for (const l of lengths) count[l]!++;
  let code = 0;
  let index = 0;
  for (let l = 1; l <= 30; l++) {
    first[l] = code;
    offset[l] = index;
    index += count[l]!;
    code = (code + count[l]!) * 2;
  }
  return { symbols, first, count, offset };
})();

export class HpackError extends Error {}

function huffmanDecode(buf: Buffer, start: number, end: number): string {
  const { symbols, first, count, offset } = huffman;
  let out = "";
  let code = 0;
  let length = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      length++;
      if (length > 30) throw new HpackError("hpack: invalid Huffman code");
      const rank = code - first[length]!;
      if (rank < count[length]!) {
        const symbol = symbols[offset[length]! + rank]!;
        if (symbol === EOS) throw new HpackError("hpack: EOS in a Huffman string");
        out += String.fromCharCode(symbol);
        code = 0;
        length = 0;
      }
    }
  }
  // What is left must be padding: fewer than 8 bits, all ones (the start of EOS).
  if (length > 7 || code !== 2 ** length - 1) throw new HpackError("hpack: invalid Huffman padding");
  return out;
}

export class HpackDecoder {
  /** Newest first. */
  private readonly dynamic: HeaderField[] = [];
  private size = 0;
  private pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  /** The table size the encoder chose (a size update), at most `maxSize`. */
  private capacity: number;

  /** @param maxSize SETTINGS_HEADER_TABLE_SIZE as this side advertised it (the default unless changed). */
  constructor(private readonly maxSize = 4096) {
    this.capacity = maxSize;
  }

  /** Decodes one complete header block. */
  decode(block: Buffer): HeaderField[] {
    this.buf = block;
    this.pos = 0;
    const fields: HeaderField[] = [];
    while (this.pos < block.length) {
      const b = block[this.pos]!;
      if (b & 0x80) {
        fields.push(this.entry(this.integer(7)));
      } else if (b & 0x40) {
        const field = this.literal(6);
        this.insert(field);
        fields.push(field);
      } else if (b & 0x20) {
        const size = this.integer(5);
        if (size > this.maxSize) throw new HpackError("hpack: table size update above the advertised maximum");
        this.capacity = size;
        this.evict(0);
      } else {
        fields.push(this.literal(4)); // without indexing (0000) or never indexed (0001)
      }
    }
    return fields;
  }

  private entry(index: number): HeaderField {
    const field = index <= STATIC_TABLE.length ? STATIC_TABLE[index - 1] : this.dynamic[index - STATIC_TABLE.length - 1];
    if (!field) throw new HpackError(`hpack: no table entry ${index}`);
    return field;
  }

  private literal(prefixBits: number): HeaderField {
    const index = this.integer(prefixBits);
    const name = index === 0 ? this.string() : this.entry(index)[0];
    return [name, this.string()];
  }

  private insert(field: HeaderField): void {
    const size = field[0].length + field[1].length + 32;
    this.evict(size);
    // An entry larger than the table empties it and is not added (RFC 7541 4.4).
    if (size > this.capacity) return;
    this.dynamic.unshift(field);
    this.size += size;
  }

  /** Evicts the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    while (this.dynamic.length > 0 && this.size + room > this.capacity) {
      const [name, value] = this.dynamic.pop()!;
      this.size -= name.length + value.length + 32;
    }
  }

  private integer(prefixBits: number): number {
    const buf = this.buf;
    const max = (1 << prefixBits) - 1;
    let value = buf[this.pos++]! & max;
    if (value < max) return value;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= buf.length || shift > 28) throw new HpackError("hpack: bad integer");
      const b = buf[this.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
  }

  private string(): string {
    if (this.pos >= this.buf.length) throw new HpackError("hpack: truncated string");
    const huffmanCoded = (this.buf[this.pos]! & 0x80) !== 0;
    const length = this.integer(7);
    const start = this.pos;
    const end = start + length;
    if (end > this.buf.length) throw new HpackError("hpack: truncated string");
    this.pos = end;
    return huffmanCoded ? huffmanDecode(this.buf, start, end) : this.buf.toString("latin1", start, end);
  }
}

/** A header block of literal fields without indexing (names lower-case, pseudo-headers first). */
export function encodeHeaders(fields: readonly HeaderField[]): Buffer {
  const bytes: number[] = [];
  const integer = (value: number) => {
    // a 7-bit prefix with the Huffman bit clear
    if (value < 0x7f) return void bytes.push(value);
    bytes.push(0x7f);
    for (value -= 0x7f; value >= 0x80; value = Math.floor(value / 0x80)) bytes.push((value % 0x80) | 0x80);
    bytes.push(value);
  };
  const string = (s: string) => {
    integer(s.length);
    for (let i = 0; i < s.length; i++) bytes.push(s.charCodeAt(i) & 0xff);
  };
  for (const [name, value] of fields) {
    bytes.push(0x00);
    string(name);
    string(value);
  }
  return Buffer.from(bytes);
}
