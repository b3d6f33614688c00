/**
 * Removing request header lines so that nothing downstream (a handler, a proxy
 * forwarding rawHeaders) can read them: kube deletes the credential and
 * impersonation headers it has acted on.
 */
import { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { BoundedMap } from "../apimachinery/bounded-map.js";

/**
 * A first look at a raw header name, before lowercasing it: false when its lowercased name
 * cannot start like any of `lowercaseStarts` (names or prefixes). Every request's header names
 * are new strings, so lowercasing one and hashing it for a lookup is most of what looking for a
 * few headers costs; Host, Accept, User-Agent and the like are passed over on their first letter.
 */
export function firstLetterFilter(lowercaseStarts: readonly string[]): (rawName: string) => boolean {
  const starts = new Uint8Array(128);
  let any = false;
  for (const start of lowercaseStarts) {
    const c = start.charCodeAt(0);
    if (Number.isNaN(c)) any = true; // "" starts every name
    else if (c < 128) starts[c] = 1;
    // a non-ASCII start: only a non-ASCII name can lowercase to it, and those are always looked at
  }
  if (any) return () => true;
  return (rawName) => {
    const c = rawName.charCodeAt(0);
    // Header names are ASCII tokens (llhttp enforces it); anything else gets the full look.
    if (!(c < 128)) return true;
    return starts[c >= 65 && c <= 90 ? c + 32 : c] === 1;
  };
}

/** Raw header names remembered with their lowercased form; beyond it the oldest is forgotten. */
const MAX_NAMES = 1024;
const lowercased = new BoundedMap<string, string>(MAX_NAMES);

/**
 * A raw header name lowercased, remembered: clients send the same few names in the same case,
 * so a request's name costs one lookup (hashing the new string once) instead of a new lowercased
 * string, and the same lowercased string comes back each time, its hash known to every later lookup.
 */
export function lowercaseName(rawName: string): string {
  let lower = lowercased.get(rawName);
  if (lower === undefined) {
    lower = rawName.toLowerCase();
    lowercased.set(rawName, lower);
  }
  return lower;
}

/**
 * Where an IncomingMessage keeps its lazily built header objects and the count of raw
 * lines they are built from: node's own symbols, found by name on a probe message (null
 * when this node keeps them otherwise). With them a removal edits only what was built
 * already and tells the lazy getters how many lines are left; without them both objects
 * must be built before rawHeaders shrinks.
 */
interface LazyHeaderSlots {
  count: symbol;
  headers: symbol;
  distinct: symbol;
}

let slots: LazyHeaderSlots | null | undefined;

function lazyHeaderSlots(): LazyHeaderSlots | null {
  if (slots === undefined) {
    const probe = new IncomingMessage(undefined as unknown as Socket);
    // Both getters store what they build under their symbol.
    void probe.headers;
    void probe.headersDistinct;
    const own = Object.getOwnPropertySymbols(probe);
    const named = (name: string) => own.find((s) => s.description === name);
    const [count, headers, distinct] = [named("kHeadersCount"), named("kHeaders"), named("kHeadersDistinct")];
    slots = count && headers && distinct ? { count, headers, distinct } : null;
  }
  return slots;
}

type Slotted = IncomingMessage & Record<symbol, unknown>;

/**
 * Deletes the lines `drop` picks (by lowercased name) from rawHeaders, headers and headersDistinct.
 * `mayDrop`, when given, sees the raw name first: a line it refuses is kept without lowercasing its name.
 */
export function removeHeaders(req: IncomingMessage, drop: (lowercaseName: string) => boolean, mayDrop?: (rawName: string) => boolean): void {
  const raw = req.rawHeaders;
  // Most requests carry none of them: look before touching anything.
  let dropped: string[] | undefined;
  let lines: number[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (mayDrop && !mayDrop(raw[i]!)) continue;
    const header = lowercaseName(raw[i]!);
    if (!drop(header)) continue;
    (dropped ??= []).push(header);
    (lines ??= []).push(i);
  }
  if (!dropped || !lines) return;
  const lazy = lazyHeaderSlots();
  const slotted = req as Slotted;
  if (lazy && slotted[lazy.count] === raw.length) {
    // Only what was built already loses the lines; the rest is built later from what is left.
    const parsed = slotted[lazy.headers] as Record<string, unknown> | null;
    if (parsed) deleteKeys(parsed, dropped);
    const distinct = slotted[lazy.distinct] as Record<string, unknown> | null;
    if (distinct) for (const key of dropped) delete distinct[key];
    compact(raw, lines);
    slotted[lazy.count] = raw.length;
    return;
  }
  // Node builds headers and headersDistinct lazily from rawHeaders and its original
  // count: materialise both before rawHeaders shrinks.
  const parsed = req.headers;
  const distinct = req.headersDistinct;
  deleteKeys(parsed, dropped);
  for (const key of dropped) delete distinct[key];
  compact(raw, lines);
}

/**
 * The object's own (interned) keys among `dropped`, deleted last added first: V8 then undoes
 * each addition in place, so when the dropped headers came last (Go's client writes X-Remote-*
 * last) the object keeps its fast shape instead of turning into a dictionary.
 */
function deleteKeys(parsed: Record<string, unknown>, dropped: string[]): void {
  const keys: string[] = [];
  for (const key in parsed) if (dropped.includes(key)) keys.push(key);
  for (let i = keys.length - 1; i >= 0; i--) delete parsed[keys[i]!];
}

/** Removes the raw lines starting at `lines` (ascending indexes of names) in place. */
function compact(raw: string[], lines: number[]): void {
  let kept = 0;
  for (let i = 0, next = 0; i < raw.length; i += 2) {
    if (i === lines[next]) {
      next++;
      continue;
    }
    raw[kept] = raw[i]!;
    raw[kept + 1] = raw[i + 1]!;
    kept += 2;
  }
  raw.length = kept;
}
