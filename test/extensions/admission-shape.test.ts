/**
 * A project's admission plugins come from its own code, which a run from
 * TypeScript source (tsx, `skai-gen dev`) does not type-check: a plugin with
 * neither mutate nor validate would silently do nothing, so the server refuses
 * to start, with one line saying what is wrong and no stack trace.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { AdmissionPlugin } from "../../runtime/src/admission/types.js";
import { runServer } from "../../runtime/src/server/run.js";
import { TEST_SERVER_NAMES } from "../support/server-names.js";

test("a plugin without mutate or validate stops the server before it serves", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "skai-admission-shape-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const printed: string[] = [];
  const argv = ["--secure-port", "0", "--storage", "memory:", "--cert-dir", path.join(dir, "certs"), "--kubeconfig-out", path.join(dir, "kubeconfig")];
  const exitCode = process.exitCode;
  try {
    const running = await runServer(argv, [], { v2: {}, v3: {} }, {
      names: TEST_SERVER_NAMES,
      out: (line) => printed.push(line),
      handleSignals: false,
      admissionPlugins: [{ name: "Forgotten" } as AdmissionPlugin],
    });
    assert.equal(running, undefined);
    assert.equal(process.exitCode, 1);
  } finally {
    process.exitCode = exitCode;
  }
  assert.deepEqual(printed, ["Error: serve()'s extensions.admission: every admission plugin needs a name and a mutate or validate function"]);
});
