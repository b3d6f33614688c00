/**
 * Rules written with Kubernetes' CEL libraries, served by a generated API
 * (test/fixtures/cel/kube-libraries) and driven through its typed client:
 * what passes a CRD's rules passes, what a CRD refuses is refused with
 * kube-apiserver's 422 (a rule that selects with `.?` too) — the rule's message, or, when a library call fails
 * (quantity("lots")), resource.ParseQuantity's error followed by
 * `evaluating rule:` (k8s.io/apiextensions-apiserver
 * pkg/apiserver/schema/cel/validation.go). A rule with optionalOldSelf runs
 * on create (oldSelf is optional.none()) and on update.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generateApiAt, scratchDir, startFixtureServer, type FixtureServer } from "../support/fixture-apis.js";
import { repoRoot } from "../support/generated-server.js";

let dir: string;
let server: FixtureServer;
let client: any;

before(async () => {
  dir = scratchDir("cel-libraries");
  await generateApiAt(path.join(repoRoot, "test/fixtures/cel/kube-libraries"), dir);
  server = await startFixtureServer(dir);
  const { EndpointsClient } = await import(path.join(dir, "src/client/index.ts"));
  client = new EndpointsClient(server.kubeconfig);
});
after(async () => {
  client?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const endpoints = () => client.netV1.endpoints();

/** The Status a create or update was refused with (the generated client's error carries it). */
async function refusal(write: Promise<unknown>): Promise<{ code: number; causes: unknown }> {
  const err = await write.then(
    () => assert.fail("the write was accepted"),
    (e: { status?: { code: number; details?: { causes?: unknown } } }) => e,
  );
  assert.ok(err.status, String(err));
  return { code: err.status.code, causes: err.status.details?.causes };
}

describe("Kubernetes' CEL libraries in a generated server", { timeout: 180_000 }, () => {
  it("accepts an object every library rule holds for", async () => {
    const spec = {
      url: "https://api.example.com:8443/v1?x=1",
      address: "10.1.2.3",
      subnet: "10.1.0.0/16",
      bandwidth: "500Mi",
      hostname: "api",
      protocols: ["tcp", "udp"],
      replicas: 2,
    };
    const created = await endpoints().create({ metadata: { name: "good" }, spec });
    assert.deepEqual(created.spec, spec);
  });

  it("refuses with each rule's message where a library says no: 422, one cause per field", async () => {
    const spec = { url: "http://api.example.com", address: "127.0.0.1", subnet: "10.1.2.0/16", bandwidth: "10Gi", hostname: "Api", protocols: ["tcp", "quic"] };
    const local = await refusal(endpoints().create({ metadata: { name: "local" }, spec: { url: "https://localhost", hostname: "localhost" } }));
    assert.deepEqual(local.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "object": hostname may not be localhost', field: "spec" }]);
    const r = await refusal(endpoints().create({ metadata: { name: "bad" }, spec }));
    assert.equal(r.code, 422);
    assert.deepEqual(r.causes, [
      { reason: "FieldValueInvalid", message: 'Invalid value: "object": address must be inside the subnet', field: "spec" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "string": url must be an https URL', field: "spec.url" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "string": failed rule: ip(self).family() == 4 && !ip(self).isLoopback()', field: "spec.address" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "string": subnet must be a masked CIDR', field: "spec.subnet" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "string": bandwidth must be below 10Gi', field: "spec.bandwidth" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "string": failed rule: !format.dns1123Label().validate(self).hasValue()', field: "spec.hostname" },
      { reason: "FieldValueInvalid", message: 'Invalid value: "array": protocols must be tcp, udp or sctp', field: "spec.protocols" },
    ]);
  });

  it("refuses a value a library cannot parse with the library's error, as kube does", async () => {
    const r = await refusal(endpoints().create({ metadata: { name: "unparsable" }, spec: { url: "https://a.example.com", address: "10.0.0.1.5", bandwidth: "lots" } }));
    assert.equal(r.code, 422);
    assert.deepEqual(r.causes, [
      {
        reason: "FieldValueInvalid",
        message:
          'Invalid value: "string": IP Address "10.0.0.1.5" parse error during conversion from string: ParseAddr("10.0.0.1.5"): IPv4 address too long evaluating rule: ip(self).family() == 4 && !ip(self).isLoopback()',
        field: "spec.address",
      },
      {
        reason: "FieldValueInvalid",
        message:
          "Invalid value: \"string\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' evaluating rule: bandwidth must be below 10Gi",
        field: "spec.bandwidth",
      },
    ]);
  });

  it("runs an optionalOldSelf rule on create (oldSelf is none) and on update (oldSelf is the stored value)", async () => {
    const created = await endpoints().create({ metadata: { name: "scaled" }, spec: { url: "https://s.example.com", replicas: 3 } });
    assert.equal(created.spec.replicas, 3);
    const grown = await endpoints().update({ ...created, spec: { ...created.spec, replicas: 5 } });
    assert.equal(grown.spec.replicas, 5);
    const r = await refusal(endpoints().update({ ...grown, spec: { ...grown.spec, replicas: 4 } }));
    assert.equal(r.code, 422);
    assert.deepEqual(r.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "integer": replicas may not decrease', field: "spec.replicas" }]);
  });
});
