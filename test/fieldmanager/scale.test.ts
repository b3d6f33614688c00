/**
 * The managedFields of an object seen from its /scale and brought back: cases of
 * apimachinery's util/managedfields/scalehandler_test.go.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScaleManagedFields, type ReplicasPathOf } from "../../runtime/src/fieldmanager/scale.js";

const APPS = "apps/v1";
const defaultPaths: ReplicasPathOf = (v) => (v === APPS ? ".spec.replicas" : undefined);

function entry(manager: string, operation: "Apply" | "Update", apiVersion: string, fields: object, extra: object = {}) {
  return { manager, operation, apiVersion, fieldsType: "FieldsV1", fieldsV1: fields, ...extra };
}

const replicas = { "f:spec": { "f:replicas": {} } };
const selector = { "f:spec": { "f:selector": {} } };
const both = { "f:spec": { "f:replicas": {}, "f:selector": {} } };
const TIME = "2013-02-03T00:00:00Z";

describe("ScaleManagedFields.toSubresource", () => {
  it("keeps only the owners of the replicas path, as owners of the Scale's spec.replicas, times kept", () => {
    const h = new ScaleManagedFields(
      [entry("manager-1", "Apply", APPS, { "f:spec": { "f:another-field": {} } }), entry("manager-2", "Apply", APPS, replicas, { time: TIME })],
      APPS,
      ".spec.replicas",
      defaultPaths,
    );
    assert.deepEqual(h.toSubresource(), [entry("manager-2", "Apply", "autoscaling/v1", replicas, { time: TIME })]);
  });

  it("drops managers of a version it does not know", () => {
    const h = new ScaleManagedFields([entry("manager-1", "Apply", "apps/v10", replicas)], APPS, ".spec.replicas", defaultPaths);
    assert.deepEqual(h.toSubresource(), []);
  });
});

describe("ScaleManagedFields.toParent", () => {
  const toParent = (parent: object[], scale: object[], paths = defaultPaths, apiVersion = APPS, path = ".spec.replicas") =>
    new ScaleManagedFields(parent, apiVersion, path, paths).toParent(scale);

  it("another manager through /scale takes the replicas path from the applier", () => {
    assert.deepEqual(toParent([entry("test", "Apply", APPS, both)], [entry("scale", "Update", "autoscaling/v1", replicas, { subresource: "scale" })]), [
      entry("test", "Apply", APPS, selector),
      entry("scale", "Update", APPS, replicas, { subresource: "scale" }),
    ]);
  });

  it("an applier the Scale's field manager left as owner keeps its entry whole", () => {
    assert.deepEqual(
      toParent(
        [entry("test", "Apply", APPS, both)],
        [entry("test", "Apply", "autoscaling/v1", replicas), entry("test", "Apply", "autoscaling/v1", replicas, { subresource: "scale" })],
      ),
      [entry("test", "Apply", APPS, both), entry("test", "Apply", APPS, replicas, { subresource: "scale" })],
    );
  });

  it("an Update manager never matches its Scale-side self: its entry loses the path, which comes back as a second entry without time", () => {
    // kube's manager identity of an Update includes the apiVersion (autoscaling/v1 on the Scale side)
    assert.deepEqual(toParent([entry("test", "Update", APPS, both, { time: TIME })], [entry("test", "Update", "autoscaling/v1", replicas)]), [
      entry("test", "Update", APPS, replicas),
      entry("test", "Update", APPS, selector, { time: TIME }),
    ]);
  });

  it("a Scale manager that no longer owns replicas is not written back; the object's owner of the path loses it", () => {
    assert.deepEqual(toParent([entry("test", "Apply", APPS, selector)], [entry("scale", "Update", "autoscaling/v1", { "f:status": { "f:replicas": {} } })]), [
      entry("test", "Apply", APPS, selector),
    ]);
    assert.deepEqual(toParent([entry("test", "Apply", APPS, replicas)], [entry("scale", "Update", "autoscaling/v1", replicas, { subresource: "scale" })]), [
      entry("scale", "Update", APPS, replicas, { subresource: "scale" }),
    ]);
  });

  it("maps each version's managers through its own replicas path, keeps versions without /scale, drops unknown versions", () => {
    const paths: ReplicasPathOf = (v) => ({ "g/v1": ".spec.the-replicas", "g/v2": null })[v];
    assert.deepEqual(
      toParent(
        [
          entry("test", "Apply", "g/v1", { "f:spec": { "f:the-replicas": {}, "f:selector": {} } }),
          entry("other", "Apply", "g/v2", { "f:spec": { "f:the-replicas": {} } }),
          entry("gone", "Apply", "g/v3", selector),
        ],
        [entry("scale", "Update", "autoscaling/v1", replicas, { subresource: "scale" })],
        paths,
        "g/v1",
        ".spec.the-replicas",
      ),
      [
        entry("other", "Apply", "g/v2", { "f:spec": { "f:the-replicas": {} } }),
        entry("test", "Apply", "g/v1", selector),
        entry("scale", "Update", "g/v1", { "f:spec": { "f:the-replicas": {} } }, { subresource: "scale" }),
      ],
    );
  });
});
