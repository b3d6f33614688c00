import type { Emitter } from "../emitter.js";
import { emitServerExtensions } from "./extensions.js";
import { emitServerBin } from "./main.js";
import { emitResources } from "./resources.js";
import { emitServe } from "./serve.js";
import { servedVersions } from "../naming.js";

/**
 * The generated apiserver: resource definitions per group-version, `serve()` with its
 * `ServerExtensions` type, and the server bin when the project has no main of its own.
 */
export const serverEmitter: Emitter = {
  name: "server",
  description: "resource definitions, serve() and ServerExtensions, and the server bin when the project has no server.main",
  emit(model, ctx) {
    return [
      ...servedVersions(model.groups).map(({ group, version }) => emitResources(group, version, ctx)),
      emitServerExtensions(model, ctx),
      emitServe(model, ctx),
      ...(ctx.names.serverMain ? [] : emitServerBin(ctx)),
    ];
  },
};
