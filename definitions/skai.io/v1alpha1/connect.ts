/**
 * Log and exec providers of skai.io/v1alpha1 kinds that are not one pod
 * (kinds whose `@subresource log` names a pod need nothing here). skai-gen
 * copies this file into the generated server; import packages only, and
 * definition types with `import type` from their files.
 */
import { errors } from "@skai-gen/runtime";
import { mergeLines, type ConnectProviders } from "@skai-gen/runtime/connect";
import type { TrainingJob } from "./trainingjob.js";

export const providers: ConnectProviders = {
  TrainingJob: {
    /** The logs of every worker, merged line by line, each line prefixed with its worker's pod name. */
    async log(ctx, opts) {
      const job = ctx.object as unknown as TrainingJob;
      const selector = job.status?.selector;
      if (!selector) throw errors.badRequest(`trainingjobs.skai.io "${ctx.name}" has no workers yet (.status.selector is empty)`);
      const pods = await ctx.pods.list(ctx.namespace, selector, ctx.signal);
      if (pods.length === 0) throw errors.badRequest(`trainingjobs.skai.io "${ctx.name}" has no worker pods matching ${selector}`);
      const sources = await Promise.all(
        pods.map(async (p) => ({ prefix: `[${p.metadata.name}] `, stream: await ctx.pods.log(ctx.namespace, p.metadata.name, opts, ctx.signal) })),
      );
      return mergeLines(sources);
    },
  },
};
