/**
 * The JSON of an object as a read or write returns it, from the JSON stored for it: the stored
 * form lacks metadata.resourceVersion (codec.ts), and the object handed out has it as the last
 * member of its metadata, so the two differ by `,"resourceVersion":"<revision>"` before the
 * metadata's closing brace. Finding that brace jumps from quote to quote with indexOf (a loop
 * over every character measured slower); serialising the object again walks every value and
 * writes every byte.
 */

/**
 * `stored` (compact JSON, as JSON.stringify writes it) with `revision` added as the last member
 * of its top-level metadata; undefined when there is no top-level metadata object, or when it
 * has a resourceVersion already (setting that one keeps its place).
 */
export function withResourceVersion(stored: string, revision: number): string | undefined {
  const end = metadataEnd(stored);
  return end < 0 ? undefined : withResourceVersionAt(stored, end, revision);
}

/** The same, where the index of the metadata's closing brace is known (the codec wrote it). */
export function withResourceVersionAt(stored: string, metadataEnd: number, revision: number): string {
  const member = `"resourceVersion":"${revision}"`;
  const sep = stored.charCodeAt(metadataEnd - 1) === 123 /* { */ ? "" : ",";
  return stored.slice(0, metadataEnd) + sep + member + stored.slice(metadataEnd);
}

/**
 * Index of the `}` that closes the top-level member "metadata" when it is an object without a
 * resourceVersion member, else -1.
 */
function metadataEnd(json: string): number {
  if (json.charCodeAt(0) !== 123) return -1;
  let depth = 0;
  let inMetadata = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34 /* " */) {
      const close = stringEnd(json, i);
      if (close < 0) return -1;
      // Keys of the top-level object and of metadata (a value string is never followed by a colon).
      if (depth === 1 && !inMetadata && close - i === 9 && json.startsWith('metadata":{', i + 1)) {
        inMetadata = true;
        depth++;
        i = close + 2; // the metadata's opening brace
        continue;
      }
      // A resourceVersion the stored metadata holds would be replaced in place, not added.
      if (inMetadata && depth === 2 && close - i === 16 && json.startsWith('resourceVersion":', i + 1)) return -1;
      i = close;
    } else if (c === 123 || c === 91) {
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (inMetadata && depth === 1) return i;
    }
  }
  return -1;
}

/** Index of the quote that closes the string opening at `open`, or -1. */
function stringEnd(json: string, open: number): number {
  for (let q = json.indexOf('"', open + 1); q > 0; q = json.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (json.charCodeAt(q - 1 - backslashes) === 92 /* \ */) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}
