// `kubectl-skai` for the tests: the runtime's plugin (built, as the generated bin imports it) with the fixture's kinds.
// Plain JavaScript so kubectl starts it as fast as the generated bin, without compiling TypeScript first.
import { runKubectlPlugin } from "@skai-gen/client/plugin";

process.exitCode = await runKubectlPlugin(process.argv.slice(2), {
  name: "skai",
  kinds: [
    { group: "skai.io", version: "v1alpha1", kind: "Notebook", plural: "notebooks", singular: "notebook", shortNames: ["nb"], namespaced: true, log: true, exec: true },
    { group: "skai.io", version: "v1alpha1", kind: "TrainingJob", plural: "trainingjobs", singular: "trainingjob", shortNames: ["tj"], namespaced: true, log: true, exec: false },
  ],
});
