/** Naming rules: definition ids, kind name defaults and version ordering. */

/** `skai.io` -> `io.skai`: OpenAPI definition names start with the reversed group. */
export function reverseGroup(group: string): string {
  return group.split(".").reverse().join(".");
}

export function userTypeId(group: string, version: string, name: string): string {
  return `${reverseGroup(group)}.${version}.${name}`;
}

/**
 * Upstream OpenAPI prefix for a `kubernetes-types` module path such as
 * `core/v1`; the apimachinery packages do not live under `io.k8s.api`.
 */
export function kubernetesPrefix(modulePath: string): string {
  const special: Record<string, string> = {
    "meta/v1": "io.k8s.apimachinery.pkg.apis.meta.v1",
    "api/resource": "io.k8s.apimachinery.pkg.api.resource",
    runtime: "io.k8s.apimachinery.pkg.runtime",
    version: "io.k8s.apimachinery.pkg.version",
    "apiextensions/v1": "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1",
  };
  return special[modulePath] ?? `io.k8s.api.${modulePath.split("/").join(".")}`;
}

/** English plural of a lower-case kind, as Kubernetes tools guess it. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/.test(word)) return word.slice(0, -1) + "ies";
  if (/(s|x|z|ch|sh)$/.test(word)) return word + "es";
  return word + "s";
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first, others last by name. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const level = m[2] === undefined ? 0 : m[2] === "beta" ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
}

export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
