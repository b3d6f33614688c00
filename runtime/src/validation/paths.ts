/** Kubernetes field paths (k8s.io/apimachinery field.Path): `a.b`, `a[0]`, `a[key]`. */

export function childPath(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}

export function indexPath(parent: string, i: number): string {
  return `${parent}[${i}]`;
}

/** field.Path.Key: map keys in brackets, unquoted. */
export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}

/** How a nil field.Path prints: the field of errors about the whole object. */
export const NIL_PATH = "<nil>";
