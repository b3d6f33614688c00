import type { Emitter } from "../emitter.js";
import { emitServerMain, emitServerServe } from "./main.js";
import { emitResources } from "./resources.js";
import { servedVersions } from "../naming.js";
import { convertingKinds } from "../conversion.js";

/** The generated apiserver: resource definitions per group-version and the `skai-apiserver` entry point. */
export const serverEmitter: Emitter = {
  name: "server",
  description: "resource definitions and the skai-apiserver entry point",
  emit(model, ctx) {
    return [
      ...servedVersions(model.groups).map(({ group, version }) => emitResources(group, version, ctx, convertingKinds(model, group, version))),
      emitServerMain(ctx),
      emitServerServe(model, ctx),
    ];
  },
};
