/**
 * Kubernetes' CEL format library (k8s.io/apiserver/pkg/cel/library/format.go,
 * since 1.31): named string formats, `format.<name>()` or
 * `format.named(name)` (an optional), and `<format>.validate(s)`, which is
 * optional.none() for a valid string and else the optional list of
 * apimachinery's error texts. Each format carries the regex size its
 * validation costs as (MaxRegexSize upstream).
 */
import { CelScalar, celList, type CelFunc } from "@bufbuild/cel";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "@skai-gen/client/validation";
import { maskTrailingDash } from "../apimachinery/validation.js";
import { CelOptional } from "./cel-optional.js";
import { requestURIError } from "./cel-url.js";
import { formats } from "./formats.js";
import { FORMAT, OPTIONAL, OpaqueValue, opaqueFunc } from "./cel-values.js";

export class CelFormat extends OpaqueValue {
  readonly typeName = "kubernetes.NamedFormat";

  constructor(
    readonly formatName: string,
    readonly validate: (s: string) => string[],
    /** The size of the regex its validation is charged as. */
    readonly maxRegexSize: number,
  ) {
    super();
  }

  /** Formats are equal by name (Format.Equal). */
  protected identity(): string {
    return this.formatName;
  }
}

const DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FMT}$`);

/** validation.IsDNS1035Label. */
function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!DNS1035_LABEL.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an " +
        `alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL_FMT}')`,
    );
  }
  return errs;
}

const asPrefix = (validate: (s: string) => string[]) => (s: string) => validate(maskTrailingDash(s));
const matching = (test: (s: string) => boolean, message: string) => (s: string) => (test(s) ? [] : [message]);

/** Lengths of the regexes upstream charges: govalidator.URL and Base64, strfmt.UUIDPattern and DateTimePattern. */
const URL_REGEX_SIZE = 1103;
const BASE64_REGEX_SIZE = 84;
const UUID_REGEX_SIZE = 70;
const DATE_TIME_REGEX_SIZE = 71;

/** library.ConstantFormats, by the name after `format.`. */
const FORMATS = new Map<string, CelFormat>(
  (
    [
      ["dns1123Label", "DNS1123Label", isDNS1123Label, 30],
      ["dns1123Subdomain", "DNS1123Subdomain", isDNS1123Subdomain, 60],
      ["dns1035Label", "DNS1035Label", isDNS1035Label, 30],
      ["qualifiedName", "QualifiedName", isQualifiedName, 60],
      ["dns1123LabelPrefix", "DNS1123LabelPrefix", asPrefix(isDNS1123Label), 30],
      ["dns1123SubdomainPrefix", "DNS1123SubdomainPrefix", asPrefix(isDNS1123Subdomain), 60],
      ["dns1035LabelPrefix", "DNS1035LabelPrefix", asPrefix(isDNS1035Label), 30],
      ["labelValue", "LabelValue", isValidLabelValue, 40],
      ["uri", "URI", (s: string) => [requestURIError(s) ?? []].flat(), URL_REGEX_SIZE],
      ["uuid", "uuid", matching(formats.uuid!, "does not match the UUID format"), UUID_REGEX_SIZE],
      ["byte", "byte", matching(formats.byte!, "invalid base64"), BASE64_REGEX_SIZE],
      ["date", "date", matching(formats.date!, "invalid date"), DATE_TIME_REGEX_SIZE],
      ["datetime", "datetime", matching(formats.datetime!, "invalid datetime"), DATE_TIME_REGEX_SIZE],
    ] as const
  ).map(([key, name, validate, size]) => [key, new CelFormat(name, validate, size)]),
);

export const formatFuncs: CelFunc[] = [
  ...[...FORMATS].map(([key, format]) => opaqueFunc(`format.${key}`, undefined, [], FORMAT, () => format)),
  opaqueFunc("format.named", undefined, [CelScalar.STRING], OPTIONAL, (name: string) => {
    const format = FORMATS.get(name);
    return format ? CelOptional.of(format) : CelOptional.none;
  }),
  opaqueFunc("validate", FORMAT, [CelScalar.STRING], OPTIONAL, (format: CelFormat, s: string) => {
    const errs = format.validate(s);
    return errs.length === 0 ? CelOptional.none : CelOptional.of(celList(errs));
  }),
];
