/**
 * The constraints SKAI's own definitions use, through the validators
 * generated from definitions/skai.io/v1alpha1: each broken sample is rejected
 * with kube-apiserver's path, cause type and message; defaults are applied.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { load } from "js-yaml";
import type { FieldError } from "../../runtime/src/api/resource.js";
import { REPO_ROOT } from "../fixtures/samples/generated.js";
import { loadSkaiValidators, type SkaiValidators } from "../fixtures/samples/skai.js";

let skai: SkaiValidators;
before(async () => {
  skai = await loadSkaiValidators();
});
after(() => skai?.scratch.remove());

type Obj = Record<string, any>;

/** The kind's example manifest, a fresh copy each time. */
function example(kind: string): Obj {
  return load(fs.readFileSync(path.join(REPO_ROOT, "examples/skai.io/v1alpha1", `${kind.toLowerCase()}.yaml`), "utf8")) as Obj;
}

function validate(kind: string, edit: (o: Obj) => void, editOld?: (o: Obj) => void): FieldError[] {
  const obj = example(kind);
  edit(obj);
  let old: Obj | undefined;
  if (editOld) {
    old = example(kind);
    editOld(old);
  }
  return skai.validations[kind]!.validate(obj, old).filter((e) => e.field !== "<nil>");
}

function one(errs: FieldError[], type: FieldError["type"], field: string, message: string): void {
  assert.deepEqual(errs, [{ type, field, message }]);
}

describe("Notebook", () => {
  it("maxLength", () =>
    one(validate("Notebook", (o) => (o.spec.image = "x".repeat(513))), "FieldValueTooLong", "spec.image", "Too long: may not be more than 512 bytes"));
  it("minLength", () =>
    one(
      validate("Notebook", (o) => (o.spec.image = "")),
      "FieldValueInvalid",
      "spec.image",
      'Invalid value: "": spec.image in body should be at least 1 chars long',
    ));
  it("maxItems", () =>
    one(
      validate("Notebook", (o) => (o.spec.env = Array.from({ length: 65 }, (_, i) => ({ name: `V${i}` })))),
      "FieldValueTooMany",
      "spec.env",
      "Too many: 65: must have at most 64 items",
    ));
  it("pattern in a list item", () =>
    one(
      validate("Notebook", (o) => (o.spec.env[0].name = "1BAD")),
      "FieldValueInvalid",
      "spec.env[0].name",
      "Invalid value: \"1BAD\": spec.env[0].name in body should match '^[A-Za-z_][A-Za-z0-9_]*$'",
    ));
  it("listType map: duplicate keys", () =>
    one(
      validate("Notebook", (o) => o.spec.env.push({ name: "HF_HOME", value: "/tmp" })),
      "FieldValueDuplicate",
      "spec.env[2]",
      'Duplicate value: {"name":"HF_HOME"}',
    ));
  it("maximum in a shared type", () =>
    one(
      validate("Notebook", (o) => (o.spec.resources.gpus = 17)),
      "FieldValueInvalid",
      "spec.resources.gpus",
      "Invalid value: 17: spec.resources.gpus in body should be less than or equal to 16",
    ));
  it("type", () =>
    one(
      validate("Notebook", (o) => (o.spec.resources.gpus = "two")),
      "FieldValueTypeInvalid",
      "spec.resources.gpus",
      'Invalid value: "string": spec.resources.gpus in body must be of type integer: "string"',
    ));
  it("quantity", () => {
    assert.deepEqual(validate("Notebook", (o) => (o.spec.resources.memory = 34359738368)), []);
    const errs = validate("Notebook", (o) => (o.spec.resources.memory = "32 gigs"));
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.field, "spec.resources.memory");
    assert.ok(errs[0]!.message.startsWith('Invalid value: "32 gigs": spec.resources.memory in body should match \'^(\\+|-)?'));
  });
  it("CEL rule with matches()", () =>
    one(
      validate("Notebook", (o) => (o.spec.idleTimeout = "2 hours")),
      "FieldValueInvalid",
      "spec.idleTimeout",
      'Invalid value: "string": must be a duration like 30m',
    ));
  it("@immutable", () => {
    assert.deepEqual(validate("Notebook", () => {}, () => {}), []);
    one(
      validate("Notebook", (o) => (o.spec.serviceAccountName = "other"), () => {}),
      "FieldValueInvalid",
      "spec.serviceAccountName",
      'Invalid value: "string": Value is immutable',
    );
    assert.deepEqual(validate("Notebook", () => {}, (old) => delete old.spec.serviceAccountName), []);
  });
  it("required", () => one(validate("Notebook", (o) => delete o.spec.image), "FieldValueRequired", "spec.image", "Required value"));
  it("defaults", () => {
    const nb: Obj = { apiVersion: "skai.io/v1alpha1", kind: "Notebook", metadata: { name: "n" }, spec: { image: "i", resources: {}, datasets: [{ name: "d", mountPath: "/d" }] } };
    skai.validations.Notebook!.applyDefaults(nb);
    assert.deepEqual(nb.spec, {
      image: "i",
      resources: { cpu: "1", memory: "2Gi", gpus: 0 },
      datasets: [{ name: "d", mountPath: "/d", readOnly: true }],
      idleTimeout: "1h",
      suspend: false,
    });
    assert.deepEqual(skai.validations.Notebook!.validate(nb), []);
  });
  it("status conditions: listType map by type, enum status", () => {
    const cond = { type: "Ready", status: "True", lastTransitionTime: "2024-05-01T10:00:00Z", reason: "Started", message: "" };
    one(
      validate("Notebook", (o) => (o.status = { conditions: [cond, { ...cond }] })),
      "FieldValueDuplicate",
      "status.conditions[1]",
      'Duplicate value: {"type":"Ready"}',
    );
    one(
      validate("Notebook", (o) => (o.status = { conditions: [{ ...cond, status: "Maybe" }] })),
      "FieldValueNotSupported",
      "status.conditions[0].status",
      'Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
    );
  });
});

describe("Queue", () => {
  it("minItems", () =>
    one(
      validate("Queue", (o) => (o.spec.namespaces = [])),
      "FieldValueInvalid",
      "spec.namespaces",
      "Invalid value: 0: spec.namespaces in body should have at least 1 items",
    ));
  it("listType set", () =>
    one(validate("Queue", (o) => o.spec.namespaces.push("ml-research")), "FieldValueDuplicate", "spec.namespaces[2]", 'Duplicate value: "ml-research"'));
  it("negative minimum", () =>
    one(
      validate("Queue", (o) => (o.spec.priority = -1001)),
      "FieldValueInvalid",
      "spec.priority",
      "Invalid value: -1001: spec.priority in body should be greater than or equal to -1000",
    ));
  it("required object", () => one(validate("Queue", (o) => delete o.spec.quota), "FieldValueRequired", "spec.quota", "Required value"));
});

describe("Model", () => {
  it("maxProperties", () =>
    one(
      validate("Model", (o) => (o.spec.tags = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"])))),
      "FieldValueTooMany",
      "spec.tags",
      "Too many: 33: must have at most 32 items",
    ));
  it("enum from a union of a named alias and literals", () =>
    one(
      validate("Model", (o) => (o.spec.framework = "JAX")),
      "FieldValueNotSupported",
      "spec.framework",
      'Unsupported value: "JAX": supported values: "PyTorch", "TensorFlow", "MPI", "XGBoost", "ONNX", "SKLearn"',
    ));
  it("pattern", () =>
    one(
      validate("Model", (o) => (o.spec.storageUri = "ftp://x")),
      "FieldValueInvalid",
      "spec.storageUri",
      "Invalid value: \"ftp://x\": spec.storageUri in body should match '^(s3|gs|https?|pvc|hf)://'",
    ));
});

describe("Dataset", () => {
  it("format uri", () =>
    one(
      validate("Dataset", (o) => (o.spec.source.uri = "bucket path")),
      "FieldValueTypeInvalid",
      "spec.source.uri",
      'Invalid value: "bucket path": spec.source.uri in body must be of type uri: "bucket path"',
    ));
  it("CEL rule with has()", () =>
    one(
      validate("Dataset", (o) => delete o.spec.cache.maxSize),
      "FieldValueInvalid",
      "spec.cache",
      'Invalid value: "object": maxSize is required when the cache is enabled',
    ));
  it("maximum on a float", () =>
    one(
      validate("Dataset", (o) => (o.status = { cacheRatio: 1.5 })),
      "FieldValueInvalid",
      "status.cacheRatio",
      "Invalid value: 1.5: status.cacheRatio in body should be less than or equal to 1",
    ));
  it("preserve-unknown-fields keeps free-form values", () =>
    assert.deepEqual(validate("Dataset", (o) => (o.spec.schema = { anything: { goes: [1, "two"] } })), []));
});

describe("InferenceService", () => {
  it("CEL rule comparing ints", () =>
    one(
      validate("InferenceService", (o) => (o.spec.autoscaling.minReplicas = 20)),
      "FieldValueInvalid",
      "spec.autoscaling",
      'Invalid value: "object": minReplicas must not exceed maxReplicas',
    ));
  it("maximum", () =>
    one(
      validate("InferenceService", (o) => (o.spec.canaryTrafficPercent = 101)),
      "FieldValueInvalid",
      "spec.canaryTrafficPercent",
      "Invalid value: 101: spec.canaryTrafficPercent in body should be less than or equal to 100",
    ));
});

describe("TrainingJob", () => {
  it("exclusiveMinimum", () =>
    one(
      validate("TrainingJob", (o) => (o.spec.runPolicy.activeDeadlineSeconds = 0)),
      "FieldValueInvalid",
      "spec.runPolicy.activeDeadlineSeconds",
      "Invalid value: 0: spec.runPolicy.activeDeadlineSeconds in body should be greater than 0",
    ));
  it("CEL rule behind has()", () =>
    one(
      validate("TrainingJob", (o) => (o.spec.workers.elastic = { minReplicas: 9, maxReplicas: 8 })),
      "FieldValueInvalid",
      "spec.workers",
      'Invalid value: "object": elastic.minReplicas must not exceed elastic.maxReplicas',
    ));
  it("@immutable", () =>
    one(
      validate("TrainingJob", (o) => (o.spec.queueName = "other"), () => {}),
      "FieldValueInvalid",
      "spec.queueName",
      'Invalid value: "string": Value is immutable',
    ));
  it("the Kubernetes pod template is validated too", () => {
    one(validate("TrainingJob", (o) => delete o.spec.template.spec.containers), "FieldValueRequired", "spec.template.spec.containers", "Required value");
    one(
      validate("TrainingJob", (o) => delete o.spec.template.spec.containers[0].name),
      "FieldValueRequired",
      "spec.template.spec.containers[0].name",
      "Required value",
    );
    one(
      validate("TrainingJob", (o) => o.spec.template.spec.containers.push({ name: "trainer", image: "x" })),
      "FieldValueDuplicate",
      "spec.template.spec.containers[1]",
      'Duplicate value: {"name":"trainer"}',
    );
  });
  it("defaults inside the pod template come from the Kubernetes table", () => {
    const tj = example("TrainingJob");
    delete tj.spec.template.spec.containers[0].ports[0].protocol;
    delete tj.spec.workers.replicas;
    skai.validations.TrainingJob!.applyDefaults(tj);
    assert.equal(tj.spec.template.spec.containers[0].ports[0].protocol, "TCP");
    assert.equal(tj.spec.workers.replicas, 1);
  });
});
