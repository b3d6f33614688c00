/** `kubectl-skai` for the tests: the runtime's plugin with the fixture's kinds (the generated bin is this line with the API's kinds). */
import { runKubectlPlugin } from "../../runtime/src/connect/plugin/index.js";

process.exitCode = await runKubectlPlugin(process.argv.slice(2), {
  name: "skai",
  kinds: [
    { group: "skai.io", version: "v1alpha1", kind: "Notebook", plural: "notebooks", singular: "notebook", shortNames: ["nb"], namespaced: true, log: true, exec: true },
    { group: "skai.io", version: "v1alpha1", kind: "TrainingJob", plural: "trainingjobs", singular: "trainingjob", shortNames: ["tj"], namespaced: true, log: true, exec: false },
  ],
});
