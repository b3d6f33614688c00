/**
 * The CEL environment of `x-kubernetes-validations` rules, declared once:
 * the server plans rules in it (cel-program.ts) and skai-gen type-checks them
 * against it at generate time, so a rule that checks is a rule the server can
 * run. Beyond CEL's standard library (which every @bufbuild/cel environment
 * has): the string extensions and the parts of Kubernetes' libraries in
 * cel-library.ts. Every function carries its signature (CelFunc.target,
 * arguments, result), which is what the checker reads.
 */
import type { CelFunc } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { kubernetesCelLibrary } from "./cel-library.js";

/** Functions a rule may call, beyond the standard library. */
export const RULE_FUNCTIONS: readonly CelFunc[] = [...strings, ...kubernetesCelLibrary];

/** The variables a rule sees: the value it is on, and the stored value in transition rules. */
export const SELF = "self";
export const OLD_SELF = "oldSelf";
