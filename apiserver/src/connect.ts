/**
 * The log provider of TrainingJob, which is not one pod but a set of workers
 * (kinds whose `@subresource log` names a pod need nothing here). It serves
 * both versions: it reads only `.status.selector`, which they share.
 */
import { errors } from "@skai-gen/runtime";
import { mergeLines, type ConnectProvider } from "@skai-gen/runtime/connect";
import type { skaiV1alpha1, skaiV1beta1 } from "@skai/api";

export const trainingJobProvider: ConnectProvider = {
  /** The logs of every worker, merged line by line, each line prefixed with its worker's pod name. */
  async log(ctx, opts) {
    const job = ctx.object as unknown as skaiV1alpha1.TrainingJob | skaiV1beta1.TrainingJob;
    const selector = job.status?.selector;
    if (!selector) throw errors.badRequest(`trainingjobs.skai.io "${ctx.name}" has no workers yet (.status.selector is empty)`);
    const pods = await ctx.pods.list(ctx.namespace, selector, ctx.signal);
    if (pods.length === 0) throw errors.badRequest(`trainingjobs.skai.io "${ctx.name}" has no worker pods matching ${selector}`);
    const sources = await Promise.all(
      pods.map(async (p) => ({ prefix: `[${p.metadata.name}] `, stream: await ctx.pods.log(ctx.namespace, p.metadata.name, opts, ctx.signal) })),
    );
    return mergeLines(sources);
  },
};
