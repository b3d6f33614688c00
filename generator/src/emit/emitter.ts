import type { EmittedFile } from "../codegen/file.js";
import type { OutputNames } from "../config/types.js";
import type { ApiModel } from "../model/types.js";
import type { Templates } from "../templates.js";
import type { ManifestCertificatesPem } from "./manifests/view.js";

/** Settings every emitter may read; they do not change the model. */
export interface EmitContext {
  /** Package name of the apiserver runtime the generated server modules import. */
  runtimeModule: string;
  /** Package name of the client library the generated client and types import (never the runtime). */
  clientModule: string;
  /** Package name of the generated package (`names.packageName`, kept for brevity). */
  packageName: string;
  /** Every name the output carries, from the project's configuration (config/resolve.ts). */
  names: OutputNames;
  /** Layout of the manifests and docs (generator/templates/), loaded by the pipeline: emitters read no files. */
  templates: Templates;
  /** skai-gen's version, for headers and version info. */
  generatorVersion: string;
  /** CA and serving certificate for the manifests (`generate --certs`, made by commands/certificates.ts); absent = placeholders. */
  certificates?: ManifestCertificatesPem;
}

/** An emitter is a pure function from the model to files; it never touches the disk. */
export interface Emitter {
  name: string;
  /** One line on what it writes, shown by `skai-gen generate --verbose`. */
  description: string;
  emit(model: ApiModel, ctx: EmitContext): EmittedFile[] | Promise<EmittedFile[]>;
}
