/**
 * The apimachinery messages that have their own JSON form: metav1.Time and
 * MicroTime (RFC 3339 strings in JSON, `{seconds, nanos}` on the wire),
 * resource.Quantity (`{string}`), intstr.IntOrString (`{type, intVal, strVal}`)
 * and raw JSON (runtime.RawExtension, metav1.FieldsV1: `{bytes raw}`).
 */
import { scanJSON } from "../jsonscan.js";
import type { ProtoReader, SlicingBuffer } from "./reader.js";
import type { ProtoWriter } from "./writer.js";

export function writeTime(w: ProtoWriter, value: string, micro: boolean): void {
  let seconds = parseRFC3339Seconds(value);
  if (seconds === undefined) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new Error(`protobuf: invalid time ${JSON.stringify(value)}`);
    seconds = Math.floor(ms / 1000);
  }
  // MicroTime keeps microseconds, which Date.parse rounds to milliseconds
  let nanos = 0;
  if (micro) {
    const frac = /\.(\d+)/.exec(value);
    nanos = frac ? Number((frac[1] + "000000000").slice(0, 9)) : 0;
  }
  const at = w.begin();
  // Go's Timestamp marshalling writes both fields, zero or not
  w.uvarint(8);
  w.varint(seconds);
  w.uvarint(16);
  w.varint(nanos);
  w.end(at);
}

/** Time as metav1.Time writes it (UTC, whole seconds); an empty message is Go's zero time (null). */
export function readTime(r: ProtoReader, end: number, micro: boolean): string | undefined {
  if (r.pos === end) return undefined;
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) seconds = r.int64();
    else if (tag === 16) nanos = r.int32();
    else r.skip(tag & 7);
  }
  if (micro) return formatRFC3339(seconds, Math.floor(nanos / 1000));
  // an object's times often repeat (creation, managedFields, conditions): format each second once
  const slot = seconds & (TIME_SLOTS - 1);
  if (timeSeconds[slot] === seconds) return timeStrings[slot];
  const s = formatRFC3339(seconds);
  timeSeconds[slot] = seconds;
  timeStrings[slot] = s;
  return s;
}

const TIME_SLOTS = 1024;
const timeSeconds: number[] = new Array<number>(TIME_SLOTS).fill(NaN);
const timeStrings: string[] = new Array<string>(TIME_SLOTS).fill("");

// Times dominate list decoding; civil-date arithmetic (H. Hinnant's algorithms)
// beats a Date object and toISOString per value several times over.

/** Bytes a time is formatted in, then read as one flat string (a template literal would keep a tree of its pieces). */
const timeText = Buffer.alloc(32) as SlicingBuffer;

function put2(at: number, n: number): void {
  timeText[at] = 48 + Math.floor(n / 10);
  timeText[at + 1] = 48 + (n % 10);
}

/** `YYYY-MM-DDTHH:MM:SSZ` of Unix seconds, UTC, or `YYYY-MM-DDTHH:MM:SS.ffffffZ` with `micros`. */
function formatRFC3339(seconds: number, micros?: number): string {
  const days = Math.floor(seconds / 86400);
  let rem = seconds - days * 86400;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999 || (micros !== undefined && !(micros >= 0 && micros < 1e6))) {
    const date = new Date(seconds * 1000).toISOString().slice(0, 19);
    return micros === undefined ? `${date}Z` : `${date}.${String(micros).padStart(6, "0")}Z`;
  }
  put2(0, Math.floor(y / 100));
  put2(2, y % 100);
  timeText[4] = 45; // -
  put2(5, m);
  timeText[7] = 45;
  put2(8, d);
  timeText[10] = 84; // T
  put2(11, hh);
  timeText[13] = 58; // :
  put2(14, mm);
  timeText[16] = 58;
  put2(17, ss);
  let end = 19;
  if (micros !== undefined) {
    timeText[end++] = 46; // .
    for (let i = end + 5; i >= end; i--, micros = Math.floor(micros / 10)) timeText[i] = 48 + (micros % 10);
    end += 6;
  }
  timeText[end++] = 90; // Z
  return timeText.latin1Slice(0, end);
}

function digits(s: string, a: number, b: number): number {
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Unix seconds of `YYYY-MM-DDTHH:MM:SS[.frac]Z`; undefined for any other shape (Date.parse takes those). */
function parseRFC3339Seconds(s: string): number | undefined {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const last = s.charCodeAt(s.length - 1);
  if (last !== 90 || (s.length > 20 && s.charCodeAt(19) !== 46)) return undefined;
  let y = digits(s, 0, 4);
  const m = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  const secs = digits(s, 11, 13) * 3600 + digits(s, 14, 16) * 60 + digits(s, 17, 19);
  if (Number.isNaN(y + m + d + secs)) return undefined;
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * 86400 + secs;
}

export function writeQuantity(w: ProtoWriter, value: unknown): void {
  const at = w.begin();
  w.uvarint(10);
  w.string(String(value));
  w.end(at);
}

export function readQuantity(r: ProtoReader, end: number): string {
  let s = "";
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) s = r.string();
    else r.skip(tag & 7);
  }
  return s;
}

export function writeIntOrString(w: ProtoWriter, value: unknown): void {
  const at = w.begin();
  if (typeof value === "number") {
    w.uvarint(8);
    w.uvarint(0);
    w.uvarint(16);
    w.varint(value);
  } else {
    w.uvarint(8);
    w.uvarint(1);
    w.uvarint(26);
    w.string(String(value));
  }
  w.end(at);
}

export function readIntOrString(r: ProtoReader, end: number): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = "";
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 8) type = r.int64();
    else if (tag === 16) intVal = r.int32();
    else if (tag === 26) strVal = r.string();
    else r.skip(tag & 7);
  }
  return type === 1 ? strVal : intVal;
}

export function writeRawJSON(w: ProtoWriter, value: unknown): void {
  const at = w.begin();
  w.uvarint(10);
  w.string(JSON.stringify(value));
  w.end(at);
}

/** Kube's nesting limit: text shorter than twice this cannot nest deeper. */
const MAX_JSON_DEPTH = 10000;
/** 16 digits in a row, or an exponent of 3 digits: the only ways past ±(2^53-1) or float64's range. */
const MAY_BREAK_NUMBER_RULES = /\d{16}|\d[eE][+-]?\d{3}/;

export function readRawJSON(r: ProtoReader, end: number): unknown {
  let raw: string | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) raw = r.string();
    else r.skip(tag & 7);
  }
  if (raw === undefined || raw === "") return undefined;
  // The same limits as a JSON body: kube's depth, float64's range, integers kept exact.
  // Most raw fields (managedFields' fieldsV1) can break none of them: a cheap look first.
  if (raw.length < 2 * MAX_JSON_DEPTH && !MAY_BREAK_NUMBER_RULES.test(raw)) return JSON.parse(raw);
  const scan = scanJSON(raw);
  if (scan.tooDeep) throw new Error(`json: invalid character '${scan.tooDeepAt}' exceeded max depth`);
  if (scan.outOfRange !== undefined) throw new Error(`json: cannot unmarshal number ${scan.outOfRange} into Go value of type float64`);
  for (const n of scan.inexactIntegers) if (r.inexactIntegers.length < 10) r.inexactIntegers.push(n.literal);
  return JSON.parse(raw);
}
