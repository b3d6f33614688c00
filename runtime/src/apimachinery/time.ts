/** metav1.Time on the wire: RFC3339 with second precision, UTC. */
export function rfc3339(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
