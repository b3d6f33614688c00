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

/** NameIsDNSSubdomain as the generic registry uses it; a generateName prefix may end with '-'. */
export function nameIsDNSSubdomain(name: string, prefix: boolean): string[] {
  if (prefix) name = name.replace(/-$/, "a");
  return isDNS1123Subdomain(name);
}
