/** `kubectl <name> logs TYPE/NAME [-f] [--tail N] [--since 5m] [--timestamps] [-c C]`: bytes straight to stdout. */
import { pipeline } from "node:stream/promises";
import type { ResourceClient } from "../resource-client.js";
import type { KubeObject } from "../types.js";
import { parseGoDuration } from "../duration.js";
import type { PluginArgs } from "./args.js";

export async function runLogs(rc: ResourceClient<KubeObject>, name: string, args: PluginArgs, out: NodeJS.WritableStream): Promise<number> {
  const sinceSeconds = args.since ? Math.max(1, Math.ceil(parseGoDuration(args.since) / 1000)) : undefined;
  const stream = await rc.logStream(name, {
    container: args.container,
    follow: args.follow || undefined,
    previous: args.previous || undefined,
    timestamps: args.timestamps || undefined,
    tailLines: args.tail,
    sinceSeconds,
    limitBytes: args.limitBytes,
  });
  await pipeline(stream, out, { end: false });
  return 0;
}
