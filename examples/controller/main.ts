/**
 * `node --import tsx examples/controller/main.ts [--namespace ns]`: runs the
 * Notebook controller with the user's kubeconfig (KUBECONFIG, ~/.kube/config
 * or in-cluster), until SIGINT/SIGTERM.
 */
import { SkaiClient } from "@skai/api/client";
import { NotebookController } from "./controller.js";

const nsFlag = process.argv.indexOf("--namespace");
const namespace = nsFlag >= 0 ? process.argv[nsFlag + 1] : undefined;

const client = new SkaiClient();
const stop = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());

const controller = new NotebookController(client, { namespace });
console.log(`notebook controller: ${client.transport.server}${namespace ? ` namespace ${namespace}` : ""}`);
await controller.run(stop.signal);
client.close();
