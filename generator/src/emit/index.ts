import type { Emitter } from "./emitter.js";
import { packageEmitter } from "./package.js";

export type { Emitter, EmitContext } from "./emitter.js";

/** Every emitter, in the order their files are listed. Adding an artifact means adding one line here. */
export const emitters: Emitter[] = [packageEmitter];
