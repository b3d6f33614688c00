/**
 * Name validation with the texts of k8s.io/apimachinery/pkg/util/validation. The
 * checks the client shares (label keys and values, DNS names) live in
 * @skai-gen/client; the server-only ones are here.
 */
import { isDNS1123Subdomain } from "@skai-gen/client/validation";

export { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from "@skai-gen/client/validation";

/** path.IsValidPathSegmentName: names used as URL path segments. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const ch of ["/", "%"]) if (name.includes(ch)) errs.push(`may not contain '${ch}'`);
  return errs;
}

/**
 * apimachinery's maskTrailingDash: a generateName prefix may end with '-', so the name
 * validators check it with its end masked. Its quirk is kept: the last two characters
 * become one 'a' (253 a's and a dash pass the length check), and a lone '-' stays.
 */
export function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? name.slice(0, -2) + "a" : name;
}

/** NameIsDNSSubdomain as the generic registry uses it, on a generateName prefix when `prefix`. */
export function nameIsDNSSubdomain(name: string, prefix: boolean): string[] {
  return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
}
