/**
 * The kubectl plugin a generated package ships as `kubectl-<name>`. It
 * follows the user's kubeconfig as kubectl does (KUBECONFIG, ~/.kube/config,
 * --kubeconfig, --context, the context's namespace) and talks to the log and
 * exec subresources through the API server (directly or via the aggregator).
 */
import { KubeConfig } from "@kubernetes/client-node";
import { ClientBase } from "../client-base.js";
import { ApiError } from "../errors.js";
import { parsePluginArgs, type PluginArgs } from "./args.js";
import { execRefusalHint, runExec } from "./exec.js";
import { descriptorOf, resolveTarget, type PluginKind, type PluginSpec } from "./kinds.js";
import { runLogs } from "./logs.js";

export type { PluginKind, PluginSpec } from "./kinds.js";
export { parsePluginArgs, type PluginArgs } from "./args.js";

/** The help: only the commands some kind supports, with the kinds that support each. */
export function pluginUsage(spec: PluginSpec): string {
  const logs = spec.kinds.filter((k) => k.log);
  const execs = spec.kinds.filter((k) => k.exec);
  const names = (kinds: PluginKind[]) => kinds.map((k) => k.plural).join(", ");
  const lines = [`kubectl ${spec.name}: the log and exec subresources of ${names(spec.kinds)}, as kubectl logs and exec are for pods.`, "", "Usage:"];
  if (logs.length) lines.push(`  kubectl ${spec.name} logs TYPE/NAME [-f] [--tail=N] [--since=5m] [--timestamps] [-c CONTAINER]    (${names(logs)})`);
  if (execs.length) lines.push(`  kubectl ${spec.name} exec [-i] [-t] TYPE/NAME [-c CONTAINER] -- COMMAND [ARGS...]    (${names(execs)})`);
  lines.push("", "Examples:");
  if (logs[0]) lines.push(`  kubectl ${spec.name} logs ${logs[0].singular}/my-${logs[0].singular} -f`);
  if (execs[0]) lines.push(`  kubectl ${spec.name} exec -it ${execs[0].singular}/my-${execs[0].singular} -- sh`);
  lines.push("", "Global flags: -n/--namespace, --kubeconfig, --context");
  return lines.join("\n");
}

function loadConfig(args: PluginArgs): { kc: KubeConfig; namespace: string } {
  const kc = new KubeConfig();
  if (args.kubeconfig) kc.loadFromFile(args.kubeconfig);
  else kc.loadFromDefault();
  if (args.context) kc.setCurrentContext(args.context);
  const namespace = args.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? "default";
  return { kc, namespace };
}

/** Runs the plugin; resolves with the process exit code. */
export async function runKubectlPlugin(argv: string[], spec: PluginSpec): Promise<number> {
  let args: PluginArgs;
  try {
    args = parsePluginArgs(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n\n${pluginUsage(spec)}\n`);
    return 1;
  }
  if (args.command === "help") {
    process.stdout.write(pluginUsage(spec) + "\n");
    return 0;
  }
  let client: ClientBase | undefined;
  let execTarget: { plural: string; namespace?: string } | undefined;
  try {
    const { kind, name } = resolveTarget(spec, args.target);
    const sub = args.command === "logs" ? "log" : "exec";
    if (!kind[sub]) throw new Error(`${kind.plural}.${kind.group} has no ${sub} subresource`);
    const { kc, namespace } = loadConfig(args);
    client = new ClientBase({ kubeConfig: kc, timeoutMs: 0 });
    const rc = client.resource(descriptorOf(kind), kind.namespaced ? namespace : undefined);
    if (args.command === "logs") return await runLogs(rc, name, args, process.stdout);
    execTarget = { plural: kind.plural, namespace: kind.namespaced ? namespace : undefined };
    return await runExec(rc, name, args, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  } catch (err) {
    // kubectl's error line: the server's Status message, as `Error from server (Reason): ...`.
    if (err instanceof ApiError) process.stderr.write(`Error from server (${err.reason || err.code}): ${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error).message}\n`);
    const hint = execTarget && execRefusalHint(err, execTarget.plural, execTarget.namespace);
    if (hint) process.stderr.write(`${hint}\n`);
    return 1;
  } finally {
    client?.close();
  }
}
