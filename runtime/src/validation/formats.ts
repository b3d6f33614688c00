/**
 * The string formats Kubernetes validates in CRD schemas (apiextensions keeps
 * only these and strips any other format), implemented as kube-openapi's
 * strfmt checks them. Generated validators import this object at run time
 * (`require(...).formats` in Ajv's standalone code) so formats are checked as
 * the API server checks them, not as JSON Schema's stricter RFC readings.
 */

const re = (r: RegExp) => (s: string) => r.test(s);

const goDuration = /^[-+]?(((\d+(\.\d*)?)|(\.\d+))(ns|us|µs|μs|ms|s|m|h))+$/;
const unitDuration = /^\d+\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$/i;

function ipv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipv6(s: string): boolean {
  if (!s.includes(":")) return false;
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

function cidr(s: string): boolean {
  const [ip, bits, extra] = s.split("/");
  if (extra !== undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  return (ipv4(ip!) && Number(bits) <= 32) || (ipv6(ip!) && Number(bits) <= 128);
}

/** net/url.ParseRequestURI: an absolute URI, or an absolute path. */
function uri(s: string): boolean {
  if (/\s/.test(s) || s === "") return false;
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) || s.startsWith("/");
}

function dateTime(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.exec(s);
  return !!m && !Number.isNaN(Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[7] ?? "00"}Z`));
}

function date(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

export const formats: Record<string, (s: string) => boolean> = {
  bsonobjectid: re(/^[0-9a-fA-F]{24}$/),
  uri,
  email: re(/^[^\s@<>]+@[^\s@<>]+$/),
  hostname: re(/^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/),
  ipv4,
  ipv6,
  cidr,
  mac: re(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/),
  uuid: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid3: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i),
  uuid4: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  uuid5: re(/^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i),
  isbn: re(/^(?:[0-9][-0-9 ]{8,15}[0-9Xx])$/),
  isbn10: re(/^(?:[0-9][-0-9 ]{8,11}[0-9Xx])$/),
  isbn13: re(/^(?:[0-9][-0-9 ]{11,15}[0-9])$/),
  creditcard: re(/^[0-9 -]{12,23}$/),
  ssn: re(/^\d{3}[- ]?\d{2}[- ]?\d{4}$/),
  hexcolor: re(/^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/),
  rgbcolor: re(/^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/),
  byte: re(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/),
  password: () => true,
  date,
  duration: (s) => goDuration.test(s) || unitDuration.test(s) || s === "0",
  datetime: dateTime,
  "date-time": dateTime,
};

/** Format names Kubernetes keeps in CRD schemas; any other format is ignored, as upstream strips it. */
export const KUBERNETES_FORMATS: readonly string[] = Object.keys(formats);
