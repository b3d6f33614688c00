/**
 * SKAI's server: the generated one (`serve` from `@skai/api/server`) with
 * SKAI's own admission plugins, log provider and conversion functions,
 * composed as sample-apiserver's main composes its admission plugins with its
 * generated code. `ServerExtensions` checks the composition: the conversion
 * functions the schema needs are required, and connect providers are keyed by
 * the group-versions and kinds that have log or exec.
 */
import { serve } from "@skai/api/server";
import { plugins } from "./admission.js";
import { trainingJobProvider } from "./connect.js";
import * as conversions from "./conversion.js";

await serve(process.argv.slice(2), {
  admission: plugins,
  connect: {
    "skai.io/v1alpha1": { TrainingJob: trainingJobProvider },
    "skai.io/v1beta1": { TrainingJob: trainingJobProvider },
  },
  conversions: { "skai.io": conversions },
});
