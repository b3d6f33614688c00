/**
 * The discovery endpoints: /api, /apis, /apis/<group>, /apis/<group>/<version>.
 * Every body is serialised once at startup; a request only negotiates which
 * prepared body to send.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { stringify as toYAML } from "yaml";
import type { ResourceDefinition } from "../api/resource.js";
import { errors } from "../api/status.js";
import { hasTarget, matches, parseAccept } from "./accept.js";
import { aggregatedResources, groupModel, legacyResources, type GroupModel } from "./discovery-model.js";
import { writePrepared, writeStatus, type PreparedBody } from "./responses.js";

const AGGREGATED_GROUP = "apidiscovery.k8s.io";
const AGGREGATED_KIND = "APIGroupDiscoveryList";
type AggregatedVersion = "v2" | "v2beta1";
const AGGREGATED_VERSIONS: AggregatedVersion[] = ["v2", "v2beta1"];

/** Media types the legacy discovery endpoints can write. */
const LEGACY_MEDIA_TYPES = ["application/json", "application/yaml"];

interface Document {
  object: unknown;
  json: PreparedBody;
  yaml?: PreparedBody;
}

interface AggregatedDocument {
  v2: PreparedBody;
  v2beta1: PreparedBody;
}

export interface DiscoveryDocuments {
  apis: Document;
  aggregatedApis: AggregatedDocument;
  /** /api with aggregated discovery: no legacy (core) group, so an empty list. */
  aggregatedApi: AggregatedDocument;
  groups: Map<string, Document>;
  groupVersions: Map<string, Document>;
}

function document(object: unknown): Document {
  return { object, json: { body: Buffer.from(JSON.stringify(object)), contentType: "application/json" } };
}

function aggregated(items: object[]): AggregatedDocument {
  const make = (v: AggregatedVersion): PreparedBody => {
    const body = Buffer.from(
      JSON.stringify({ kind: AGGREGATED_KIND, apiVersion: `${AGGREGATED_GROUP}/${v}`, metadata: {}, items }),
    );
    return {
      body,
      // The client recognises aggregated discovery only by these params (client-go ContentTypeIsGVK).
      contentType: `application/json;g=${AGGREGATED_GROUP};v=${v};as=${AGGREGATED_KIND}`,
      // kube's ETag: uppercase hex SHA-512, quoted (discovery/aggregated/etag.go).
      etag: `"${createHash("sha512").update(body).digest("hex").toUpperCase()}"`,
    };
  };
  return { v2: make("v2"), v2beta1: make("v2beta1") };
}

function groupVersionRef(gv: { groupVersion: string; version: string }) {
  return { groupVersion: gv.groupVersion, version: gv.version };
}

function apiGroup(g: GroupModel) {
  return { name: g.name, versions: g.versions.map(groupVersionRef), preferredVersion: groupVersionRef(g.versions[0]) };
}

export function buildDiscovery(defs: ResourceDefinition[]): DiscoveryDocuments {
  const groups = groupModel(defs);
  const docs: DiscoveryDocuments = {
    // /api and /apis are written with apiVersion stripped, as kube does.
    apis: document({ kind: "APIGroupList", groups: groups.map(apiGroup) }),
    aggregatedApis: aggregated(
      groups.map((g) => ({
        metadata: { name: g.name },
        versions: g.versions.map((gv) => ({ version: gv.version, resources: aggregatedResources(gv), freshness: "Current" })),
      })),
    ),
    aggregatedApi: aggregated([]),
    groups: new Map(),
    groupVersions: new Map(),
  };
  for (const g of groups) {
    docs.groups.set(`/apis/${g.name}`, document({ kind: "APIGroup", apiVersion: "v1", ...apiGroup(g) }));
    for (const gv of g.versions) {
      docs.groupVersions.set(
        `/apis/${gv.groupVersion}`,
        document({ kind: "APIResourceList", apiVersion: "v1", groupVersion: gv.groupVersion, resources: legacyResources(gv) }),
      );
    }
  }
  return docs;
}

type Choice = "json" | "yaml" | AggregatedVersion;

/**
 * negotiation.NegotiateMediaTypeOptions for discovery: the first acceptable
 * clause wins; clauses asking for a conversion (as/g/v) are only accepted for
 * the aggregated list and only where it is served; protobuf is not offered.
 */
function negotiateDiscovery(accept: string | undefined, aggregatedAllowed: boolean): Choice | undefined {
  if (!accept) return "json";
  for (const c of parseAccept(accept)) {
    if (c.q <= 0) continue;
    if (matches(c, "application", "json")) {
      if (!hasTarget(c)) return "json";
      if (
        aggregatedAllowed &&
        c.params.g === AGGREGATED_GROUP &&
        c.params.as === AGGREGATED_KIND &&
        AGGREGATED_VERSIONS.includes(c.params.v as AggregatedVersion)
      ) {
        return c.params.v as AggregatedVersion;
      }
      continue;
    }
    if (matches(c, "application", "yaml") && !hasTarget(c)) return "yaml";
  }
  return undefined;
}

function ifNoneMatch(req: IncomingMessage, etag: string): boolean {
  const header = req.headers["if-none-match"];
  if (!header) return false;
  return header.split(",").some((v) => v.trim() === etag);
}

function writeAggregated(req: IncomingMessage, res: ServerResponse, doc: PreparedBody): void {
  const headers = { ETag: doc.etag!, Vary: "Accept", "Cache-Control": "public" };
  if (ifNoneMatch(req, doc.etag!)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  writePrepared(res, doc, req.method === "HEAD", headers);
}

function writeLegacy(req: IncomingMessage, res: ServerResponse, doc: Document, choice: "json" | "yaml"): void {
  if (choice === "yaml") {
    doc.yaml ??= { body: Buffer.from(toYAML(doc.object)), contentType: "application/yaml" };
    writePrepared(res, doc.yaml, req.method === "HEAD");
    return;
  }
  writePrepared(res, doc.json, req.method === "HEAD");
}

/** Serves /apis (legacy APIGroupList, or the aggregated list when asked for). */
export function serveApis(req: IncomingMessage, res: ServerResponse, docs: DiscoveryDocuments): void {
  const choice = negotiateDiscovery(req.headers.accept, true);
  if (choice === "v2" || choice === "v2beta1") return writeAggregated(req, res, docs.aggregatedApis[choice]);
  if (!choice) return writeStatus(res, errors.notAcceptable(LEGACY_MEDIA_TYPES).status);
  writeLegacy(req, res, docs.apis, choice);
}

/**
 * Serves /api. There is no core group here, but kubectl only uses aggregated
 * discovery when both /api and /apis answer aggregated, so /api must too.
 */
export function serveApi(req: IncomingMessage, res: ServerResponse, docs: DiscoveryDocuments): void {
  const choice = negotiateDiscovery(req.headers.accept, true);
  if (choice === "v2" || choice === "v2beta1") return writeAggregated(req, res, docs.aggregatedApi[choice]);
  if (!choice) return writeStatus(res, errors.notAcceptable(LEGACY_MEDIA_TYPES).status);
  const host = req.socket.localAddress ?? "127.0.0.1";
  const address = `${host.includes(":") ? `[${host}]` : host}:${req.socket.localPort ?? 443}`;
  writeLegacy(req, res, document({ kind: "APIVersions", versions: [], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: address }] }), choice);
}

/** Serves /apis/<group> or /apis/<group>/<version>; `doc` was looked up by path. */
export function serveLegacyDocument(req: IncomingMessage, res: ServerResponse, doc: Document): void {
  const choice = negotiateDiscovery(req.headers.accept, false);
  if (choice !== "json" && choice !== "yaml") return writeStatus(res, errors.notAcceptable(LEGACY_MEDIA_TYPES).status);
  writeLegacy(req, res, doc, choice);
}
