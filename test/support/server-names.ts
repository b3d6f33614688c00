import type { ServerNames } from "../../runtime/src/server/names.js";

/** The names test servers run under (tests pass their own --cert-dir, --kubeconfig-out and --storage). */
export const TEST_SERVER_NAMES: ServerNames = {
  program: "test-apiserver",
  stateDir: ".test-apiserver",
  etcdPrefix: "/registry/test.example.com",
  kubeconfigContext: "test",
};
