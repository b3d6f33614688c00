/**
 * Accept negotiation (handlers/negotiation/negotiate.go + RequestScope.AllowsMediaTypeTransform):
 * clauses in q order; the first one we can serve wins. `as=Table|PartialObjectMetadata(List)`
 * with `g=meta.k8s.io` and `v=v1|v1beta1` asks for a conversion. Nothing servable -> 406.
 */
import { errors } from "../api/status.js";
import type { KindCodec } from "@skai-gen/client/protobuf";
import { BoundedMap } from "../apimachinery/bounded-map.js";

export type MediaType = "application/json" | "application/yaml" | "application/vnd.kubernetes.protobuf";
export type Conversion = "Table" | "PartialObjectMetadata" | "PartialObjectMetadataList";

export interface OutputTarget {
  mediaType: MediaType;
  convert?: Conversion;
  /** Version of the conversion target (meta.k8s.io/<v>). */
  convertVersion?: "v1" | "v1beta1";
  pretty: boolean;
  /** The kind's protobuf codec, when the target is protobuf. */
  codec?: KindCodec;
}

/** What this server can serialise (the 406 text lists these). */
const SUPPORTED_MEDIA_TYPES = ["application/json", "application/yaml"];

interface Clause {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
  order: number;
}

/** Distinct Accept headers whose parse is remembered: clients send the same few on every request. */
const MAX_REMEMBERED_ACCEPTS = 256;
const parsedAccepts = new BoundedMap<string, readonly Clause[]>(MAX_REMEMBERED_ACCEPTS);

/** The clauses of an Accept header, best first (shared: never modify them). */
function acceptClauses(header: string): readonly Clause[] {
  let clauses = parsedAccepts.get(header);
  if (!clauses) {
    clauses = parseAccept(header);
    parsedAccepts.set(header, clauses);
  }
  return clauses;
}

function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  header.split(",").forEach((raw, order) => {
    const parts = raw.split(";").map((p) => p.trim());
    const [type, subtype] = (parts[0] ?? "").toLowerCase().split("/");
    if (!type || !subtype) return;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of parts.slice(1)) {
      const eq = p.indexOf("=");
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim().toLowerCase();
      const v = p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
      if (k === "q") q = Number(v);
      else params.set(k, v);
    }
    if (!(q > 0)) return;
    clauses.push({ type, subtype, params, q, order });
  });
  return clauses.sort((a, b) => b.q - a.q || a.order - b.order);
}

function mediaTypeFor(c: Clause, stream: boolean): MediaType | undefined {
  if (c.type === "*" && c.subtype === "*") return "application/json";
  if (c.type !== "application") return undefined;
  if (c.subtype === "*" || c.subtype === "json") return "application/json";
  // no YAML framing for watch streams
  if (c.subtype === "yaml" && !stream) return "application/yaml";
  return undefined;
}

export function isPrettyRequested(query: URLSearchParams, userAgent: string | undefined): boolean {
  const p = query.get("pretty");
  if (p !== null) return p === "true" || p === "1" || p === "t" || p === "T" || p === "TRUE" || p === "True";
  const ua = userAgent ?? "";
  return ua.startsWith("curl") || ua.startsWith("Wget") || ua.startsWith("Mozilla/5.0");
}

/** Picks the output for a request; throws 406 when no clause can be served. */
export function negotiateOutput(accept: string | undefined, opts: { stream: boolean; pretty: boolean; protobuf?: boolean }): OutputTarget {
  if (!accept || accept.trim() === "") return { mediaType: "application/json", pretty: opts.pretty };
  for (const c of acceptClauses(accept)) {
    if (c.type === "application" && c.subtype === "vnd.kubernetes.protobuf") {
      // only for kinds with descriptors, and never as Table/PartialObjectMetadata (JSON-only, as for CRDs)
      if (opts.protobuf && !c.params.has("as")) return { mediaType: "application/vnd.kubernetes.protobuf", pretty: false };
      continue;
    }
    const mediaType = mediaTypeFor(c, opts.stream);
    if (!mediaType) continue;
    const as = c.params.get("as");
    if (!as) return { mediaType, pretty: opts.pretty };
    const g = c.params.get("g");
    const v = c.params.get("v");
    if (g !== "meta.k8s.io" || (v !== "v1" && v !== "v1beta1")) continue;
    if (as === "Table" || as === "PartialObjectMetadata" || as === "PartialObjectMetadataList") {
      return { mediaType, convert: as, convertVersion: v, pretty: opts.pretty };
    }
  }
  throw errors.notAcceptable(SUPPORTED_MEDIA_TYPES);
}
