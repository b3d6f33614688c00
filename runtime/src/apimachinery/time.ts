/** metav1.Time on the wire: RFC3339 with second precision, UTC. */
export function rfc3339(d = new Date()): string {
  // Every write stamps the time, often several times within a second: format each second once.
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = d.toISOString().replace(/\.\d{3}Z$/, "Z");
    lastSecond = second;
  }
  return lastText;
}

let lastSecond = NaN;
let lastText = "";
