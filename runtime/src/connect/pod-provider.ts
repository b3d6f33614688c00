/**
 * The built-in provider: the Pod behind the object, named at a JSON path
 * (`podName=.status.podName`) or the first running pod of a label selector
 * found at a JSON path (`selector=.status.selector`), proxied through
 * kube-apiserver's pods/log and pods/exec.
 */
import type { PodTarget } from "../api/resource.js";
import { errors } from "../api/status.js";
import type { ConnectContext, ConnectProvider } from "./types.js";

function valueAt(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.replace(/^\./, "").split(".").filter(Boolean)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function what(ctx: ConnectContext): string {
  return `${ctx.def.plural}.${ctx.def.group} "${ctx.name}"`;
}

/** The pod's name; a 400 when the object has none yet (as kube's "pod has no host" refusals are). */
export async function resolvePod(ctx: ConnectContext, target: PodTarget): Promise<string> {
  if (target.podName) {
    const name = valueAt(ctx.object, target.podName);
    if (typeof name !== "string" || !name) throw errors.badRequest(`${what(ctx)} has no pod yet (${target.podName} is empty)`);
    return name;
  }
  if (target.selector) {
    const selector = valueAt(ctx.object, target.selector);
    if (typeof selector !== "string" || !selector) throw errors.badRequest(`${what(ctx)} has no pods yet (${target.selector} is empty)`);
    const pods = await ctx.pods.list(ctx.namespace, selector, ctx.signal);
    const pod = pods.find((p) => p.status?.phase === "Running") ?? pods[0];
    if (!pod) throw errors.badRequest(`${what(ctx)} has no pods matching ${selector}`);
    return pod.metadata.name;
  }
  throw errors.badRequest(`${what(ctx)}: no pod target declared`);
}

export function podProvider(targets: { log?: PodTarget; exec?: PodTarget }): ConnectProvider {
  const provider: ConnectProvider = {};
  const { log, exec } = targets;
  if (log) {
    provider.log = async (ctx, opts) => {
      const pod = await resolvePod(ctx, log);
      return ctx.pods.log(ctx.namespace, pod, { ...opts, container: opts.container ?? log.container }, ctx.signal);
    };
  }
  if (exec) {
    provider.exec = async (ctx, opts) => {
      const pod = await resolvePod(ctx, exec);
      return ctx.pods.exec(ctx.namespace, pod, { ...opts, container: opts.container ?? exec.container });
    };
  }
  return provider;
}
