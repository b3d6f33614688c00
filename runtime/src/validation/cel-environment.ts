/**
 * The CEL environment of `x-kubernetes-validations` rules, declared once:
 * the server plans rules in it (cel-program.ts) and skai-gen type-checks them
 * against it at generate time, so a rule that checks is a rule the server can
 * run. Beyond CEL's standard library (which every @bufbuild/cel environment
 * has), what a 1.32 kube-apiserver's base environment has
 * (k8s.io/apiserver/pkg/cel/environment/base.go): the strings extension
 * (version 2), the sets extension, optionals, and Kubernetes' libraries:
 * regex and lists (cel-library.ts), urls, quantity, ip and cidr, format.
 * Every function carries its signature (CelFunc.target, arguments, result),
 * which is what the checker reads.
 */
import type { CelFunc } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { formatFuncs } from "./cel-format.js";
import { cidrFuncs, ipFuncs } from "./cel-ip.js";
import { kubernetesCelLibrary } from "./cel-library.js";
import { optionalFuncs } from "./cel-optional.js";
import { quantityFuncs } from "./cel-quantity.js";
import { setsFuncs } from "./cel-sets.js";
import { urlFuncs } from "./cel-url.js";

export { OPT_FIELD, OPT_SELECT, parseRule } from "./cel-syntax.js";

/** Functions a rule may call, beyond the standard library. */
export const RULE_FUNCTIONS: readonly CelFunc[] = [
  ...strings,
  ...kubernetesCelLibrary,
  ...optionalFuncs,
  ...setsFuncs,
  ...urlFuncs,
  ...quantityFuncs,
  ...ipFuncs,
  ...cidrFuncs,
  ...formatFuncs,
];

/** The variables a rule sees: the value it is on, and the stored value in transition rules. */
export const SELF = "self";
export const OLD_SELF = "oldSelf";

/** Methods of an optional: a rule that calls one on `oldSelf` binds it as an optional (optionalOldSelf). */
export const OPTIONAL_METHODS: ReadonlySet<string> = new Set(["hasValue", "value", "orValue", "or"]);
