/**
 * The request metrics kube-apiserver exports, in Prometheus text format:
 * apiserver_request_total, apiserver_request_duration_seconds and
 * apiserver_current_inflight_requests, with kube's names, labels, help texts
 * and buckets (k8s.io/apiserver/pkg/endpoints/metrics/metrics.go); the watch cache's
 * apiserver_terminated_watchers_total (pkg/storage/cacher/metrics); and our own
 * apiserver_request_server_errors_total, the 5xx answers by code and reason.
 */
import type { RequestInfo } from "../api/request.js";

/** apiserver_request_duration_seconds buckets in kube 1.32. */
const DURATION_BUCKETS = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60,
];

/** Label names in the order Prometheus' Go client prints them (sorted). */
const DURATION_LABELS = ["component", "dry_run", "group", "resource", "scope", "subresource", "verb", "version"] as const;
type DurationLabels = Record<(typeof DURATION_LABELS)[number], string>;

interface Histogram {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
  /** This series' apiserver_request_total counters, by code. */
  totals: Map<string, Counter>;
}

interface Counter {
  labels: string;
  value: number;
}

/** Reported verb as kube's CleanVerb: GET, LIST, WATCH, POST, PUT, PATCH, APPLY, DELETE, DELETECOLLECTION, CONNECT. */
const REPORTED_VERBS: Record<string, string> = {
  get: "GET",
  list: "LIST",
  watch: "WATCH",
  create: "POST",
  update: "PUT",
  patch: "PATCH",
  delete: "DELETE",
  deletecollection: "DELETECOLLECTION",
};

const CONNECT_SUBRESOURCES = new Set(["exec", "attach", "portforward", "proxy"]);

export type RequestLabels = DurationLabels & { code: string };

const SERVER_ERROR_LABELS = ["code", "reason"] as const;
/** apiserver_terminated_watchers_total's labels (kube 1.34 and later; before, resource only). */
const TERMINATED_WATCHER_LABELS = ["group", "resource"] as const;

/** Health endpoints are instrumented as kube's healthz installer does: the path as subresource, no component. */
export function healthLabels(root: string, code: number): RequestLabels {
  return { component: "", dry_run: "", group: "", resource: "", scope: "", subresource: root, verb: "GET", version: "", code: String(code) };
}

export function requestLabels(info: RequestInfo, method: string, contentType: string | undefined, dryRun: string[], code: number): RequestLabels {
  if (!info.isResourceRequest) {
    return {
      component: "apiserver",
      dry_run: "",
      group: "",
      resource: "",
      scope: "",
      subresource: "",
      verb: method,
      version: "",
      code: String(code),
    };
  }
  let verb = REPORTED_VERBS[info.verb] ?? method;
  if (verb === "PATCH" && contentType?.startsWith("application/apply-patch")) verb = "APPLY";
  if (CONNECT_SUBRESOURCES.has(info.subresource)) verb = "CONNECT";
  return {
    component: "apiserver",
    dry_run: dryRun.length === 0 ? "" : [...new Set(dryRun)].sort().join(","),
    group: info.apiGroup,
    resource: info.resource,
    // CleanScope: a named object is "resource", else namespace or cluster.
    scope: info.name !== "" ? "resource" : info.namespace !== "" ? "namespace" : "cluster",
    subresource: info.subresource,
    verb,
    version: info.apiVersion,
    code: String(code),
  };
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(names: readonly string[], values: Record<string, string>): string {
  return names.map((n) => `${n}="${escapeLabel(values[n])}"`).join(",");
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(n);
}

export class RequestMetrics {
  private readonly totals: Counter[] = [];
  /**
   * By the raw label values joined with NUL: formatting happens once per series, not per request.
   * The key is made by join, which copies into one flat string: `+` would leave a rope that the
   * Map flattens to hash and compares through V8's runtime, several times the cost.
   */
  private readonly durations = new Map<string, Histogram>();
  /** Server errors (5xx) by code and Status reason. */
  private readonly serverErrors = new Map<string, { labels: string; value: number }>();
  /** Watchers the watch cache ended for falling behind, by group and resource. */
  private readonly terminatedWatchers = new Map<string, { labels: string; value: number }>();
  inflightReadOnly = 0;
  inflightMutating = 0;

  observe(labels: RequestLabels, seconds: number): void {
    const key = [labels.verb, labels.group, labels.version, labels.resource, labels.subresource, labels.scope, labels.dry_run, labels.component].join("\0");
    let h = this.durations.get(key);
    if (!h) {
      h = { labels: formatLabels(DURATION_LABELS, labels), counts: new Array(DURATION_BUCKETS.length).fill(0), sum: 0, count: 0, totals: new Map() };
      this.durations.set(key, h);
    }
    const total = h.totals.get(labels.code);
    if (total) total.value++;
    else {
      const counter = { labels: `code="${labels.code}",${h.labels}`, value: 1 };
      h.totals.set(labels.code, counter);
      this.totals.push(counter);
    }
    // Prometheus buckets are cumulative; store per-bucket counts and sum them when rendering.
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]) i++;
    if (i < DURATION_BUCKETS.length) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  /** Counts a 5xx answer; `reason` is its Status reason, "" (StatusReasonUnknown) when it has none. */
  observeServerError(code: number, reason: string): void {
    const key = `${code}\0${reason}`;
    const entry = this.serverErrors.get(key);
    if (entry) entry.value++;
    else this.serverErrors.set(key, { labels: formatLabels(SERVER_ERROR_LABELS, { code: String(code), reason: reason || "Unknown" }), value: 1 });
  }

  /** Counts a watcher the watch cache ended because it did not keep up (its client re-watches). */
  observeTerminatedWatcher(group: string, resource: string): void {
    const key = `${group}\0${resource}`;
    const entry = this.terminatedWatchers.get(key);
    if (entry) entry.value++;
    else this.terminatedWatchers.set(key, { labels: formatLabels(TERMINATED_WATCHER_LABELS, { group, resource }), value: 1 });
  }

  /** The exposition text (text/plain; version=0.0.4). */
  render(): string {
    const lines: string[] = [];
    lines.push(
      "# HELP apiserver_current_inflight_requests [STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.",
      "# TYPE apiserver_current_inflight_requests gauge",
      `apiserver_current_inflight_requests{request_kind="mutating"} ${this.inflightMutating}`,
      `apiserver_current_inflight_requests{request_kind="readOnly"} ${this.inflightReadOnly}`,
    );
    lines.push(
      "# HELP apiserver_request_duration_seconds [STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
      "# TYPE apiserver_request_duration_seconds histogram",
    );
    for (const h of [...this.durations.values()].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0))) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += h.counts[i];
        lines.push(`apiserver_request_duration_seconds_bucket{${h.labels},le="${le}"} ${cumulative}`);
      });
      lines.push(`apiserver_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
      lines.push(`apiserver_request_duration_seconds_sum{${h.labels}} ${formatNumber(h.sum)}`);
      lines.push(`apiserver_request_duration_seconds_count{${h.labels}} ${h.count}`);
    }
    lines.push(
      "# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
      "# TYPE apiserver_request_total counter",
    );
    const totals = [...this.totals].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
    for (const t of totals) lines.push(`apiserver_request_total{${t.labels}} ${t.value}`);
    lines.push(
      "# HELP apiserver_request_server_errors_total Counter of apiserver responses with a 5xx code, broken out by code and Status reason (Unknown when the response carries none).",
      "# TYPE apiserver_request_server_errors_total counter",
    );
    const serverErrors = [...this.serverErrors.values()].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
    for (const e of serverErrors) lines.push(`apiserver_request_server_errors_total{${e.labels}} ${e.value}`);
    // kube's counter vector prints nothing until a watcher was terminated
    if (this.terminatedWatchers.size > 0) {
      lines.push(
        "# HELP apiserver_terminated_watchers_total [ALPHA] Counter of watchers closed due to unresponsiveness broken by resource type.",
        "# TYPE apiserver_terminated_watchers_total counter",
      );
      const terminated = [...this.terminatedWatchers.values()].sort((a, b) => (a.labels < b.labels ? -1 : a.labels > b.labels ? 1 : 0));
      for (const t of terminated) lines.push(`apiserver_terminated_watchers_total{${t.labels}} ${t.value}`);
    }
    return lines.join("\n") + "\n";
  }
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
