/**
 * CEL runtime cost through the generated server: a Notebook whose
 * spec.idleTimeout (rule `self.matches('^[0-9]+(s|m|h)$')`, message "must be
 * a duration like 30m") is 2.6 million characters costs
 * 1 + ceil(2600001 * 0.1) * ceil(15 * 0.25) = 1040005, past PerCallLimit (1e6,
 * k8s.io/apiserver/pkg/apis/cel/config.go); kube-apiserver answers 422 Invalid
 * with validation.go's "call cost exceeds limit for rule" cause
 * (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go),
 * and nothing is stored. An ordinary value passes.
 */
import assert from "node:assert/strict";
import type https from "node:https";
import { after, before, describe, it } from "node:test";
import { adminAgent, notebook, request } from "../support/admin-http.js";
import { startGeneratedServer, type GeneratedServer } from "../support/generated-server.js";

let server: GeneratedServer;
let agent: https.Agent;
const NB = () => `${server.url}/apis/skai.io/v1alpha1/namespaces/ns/notebooks`;

before(async () => {
  server = await startGeneratedServer();
  agent = adminAgent(server.dir);
});
after(async () => {
  agent?.destroy();
  await server?.stop({ cleanup: true });
});

describe("CEL cost limits in the generated server", { timeout: 120_000 }, () => {
  it("a rule past the per-call cost limit: 422 with kube's cause, nothing stored", async () => {
    const nb = notebook("costly", "ns");
    nb.spec.idleTimeout = "1".repeat(2_600_000);
    const r = await request(NB(), { method: "POST", body: nb, agent });
    assert.equal(r.status, 422, r.text.slice(0, 500));
    const s = r.json();
    const detail =
      "Invalid value: \"string\": 'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: must be a duration like 30m";
    assert.equal(s.reason, "Invalid");
    assert.equal(s.message, `Notebook.skai.io "costly" is invalid: spec.idleTimeout: ${detail}`);
    assert.deepEqual(s.details.causes, [{ reason: "FieldValueInvalid", message: detail, field: "spec.idleTimeout" }]);
    assert.equal((await request(`${NB()}/costly`, { method: "GET", agent })).status, 404);
  });

  it("the same rule on an ordinary value passes", async () => {
    const nb = notebook("cheap", "ns");
    nb.spec.idleTimeout = "30m";
    const r = await request(NB(), { method: "POST", body: nb, agent });
    assert.equal(r.status, 201, r.text);
  });
});
