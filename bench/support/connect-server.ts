/**
 * The connect fixture's server as a child process, for bench/connect.ts to
 * measure its CPU alone: `node --import tsx bench/support/connect-server.ts <kubeconfig> <dir>`.
 */
import { join } from "node:path";
import { runServer } from "../../runtime/src/server/run.js";
import { datasets, notebooks, openapi, providers, trainingJobs } from "../../test/connect/fixtures.js";
import { TEST_SERVER_NAMES } from "../../test/support/server-names.js";

const [kubeconfig, dir] = process.argv.slice(2);
await runServer(
  [`--kubeconfig=${kubeconfig}`, "--secure-port=0", "--storage=memory:", `--cert-dir=${join(dir!, "certs")}`, `--kubeconfig-out=${join(dir!, "kc")}`],
  [notebooks, trainingJobs, datasets],
  openapi,
  { names: TEST_SERVER_NAMES, connect: { "skai.io/v1alpha1": providers }, server: { log: () => {} } },
);
