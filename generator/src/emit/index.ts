import { clientEmitter } from "./client.js";
import { conversionEmitter } from "./conversion.js";
import type { Emitter } from "./emitter.js";
import { docsEmitter } from "./docs.js";
import { gitattributesEmitter } from "./gitattributes.js";
import { imageEmitter } from "./image.js";
import { manifestsEmitter } from "./manifests.js";
import { openapiEmitter } from "./openapi/index.js";
import { packageEmitter } from "./package.js";
import { protobufEmitter } from "./protobuf/index.js";
import { pluginEmitter } from "./plugin.js";
import { schemasEmitter } from "./schemas.js";
import { serverEmitter } from "./server/index.js";
import { smokeTestEmitter } from "./smoke-test.js";
import { typesEmitter } from "./types.js";
import { validatorsEmitter } from "./validators.js";

export type { Emitter, EmitContext } from "./emitter.js";

/** Every emitter, in the order their files are listed. Adding an artifact means adding one line here. */
export const emitters: Emitter[] = [packageEmitter, openapiEmitter, clientEmitter, typesEmitter, schemasEmitter, validatorsEmitter, serverEmitter, protobufEmitter, conversionEmitter, pluginEmitter, manifestsEmitter, imageEmitter, docsEmitter, gitattributesEmitter, smokeTestEmitter];
