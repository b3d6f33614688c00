/**
 * An example controller written against the generated client: it watches
 * Notebooks through the shared informer and sets their status from their spec
 * (phase Running or Stopped, a Ready condition, observedGeneration) with
 * updateStatus. Real work (starting a pod) is out of scope; the shape is the
 * one every controller has: informer -> work queue -> reconcile from the lister.
 */
import { SkaiClient, WorkQueue, isNotFound, retryOnConflict, type SharedInformer } from "@skai/api/client";
import type { skaiV1alpha1 } from "@skai/api";

export interface ControllerOptions {
  /** Watch one namespace (default: all). */
  namespace?: string;
  workers?: number;
  log?: (line: string) => void;
}

type Notebook = skaiV1alpha1.Notebook;
type NotebookStatus = skaiV1alpha1.NotebookStatus;
type Condition = NonNullable<NotebookStatus["conditions"]>[number];

/** The status a Notebook should have; keeps lastTransitionTime when the condition's status is unchanged. */
export function desiredStatus(nb: Notebook, now = new Date()): NotebookStatus {
  const suspended = nb.spec.suspend === true;
  const old = nb.status?.conditions?.find((c) => c.type === "Ready");
  const readyStatus: Condition["status"] = suspended ? "False" : "True";
  const ready: Condition = {
    type: "Ready",
    status: readyStatus,
    reason: suspended ? "Suspended" : "ServerRunning",
    message: suspended ? "the notebook is suspended" : `serving ${nb.spec.image}`,
    observedGeneration: nb.metadata.generation,
    lastTransitionTime: old && old.status === readyStatus ? old.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  return {
    ...nb.status,
    phase: suspended ? "Stopped" : "Running",
    url: suspended ? undefined : `https://${nb.metadata.name}.${nb.metadata.namespace}.notebooks.skai.local/`,
    observedGeneration: nb.metadata.generation,
    conditions: [...(nb.status?.conditions ?? []).filter((c) => c.type !== "Ready"), ready],
  };
}

function sameStatus(a: NotebookStatus | undefined, b: NotebookStatus): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b);
}

export class NotebookController {
  private readonly queue = new WorkQueue();
  private readonly informer: SharedInformer<Notebook>;
  private readonly log: (line: string) => void;

  constructor(
    private readonly client: SkaiClient,
    private readonly opts: ControllerOptions = {},
  ) {
    this.log = opts.log ?? ((l) => console.log(l));
    // Shared: another controller in this process asking for the same informer gets this one.
    this.informer = client.informers.skaiV1alpha1.notebooks({ namespace: opts.namespace });
    this.informer.addEventHandler({
      onAdd: (nb) => this.enqueue(nb),
      onUpdate: (_old, nb) => this.enqueue(nb),
    });
  }

  /** Runs until `signal` aborts. Resolves after the workers stopped. */
  async run(signal: AbortSignal): Promise<void> {
    this.client.informers.start();
    await this.informer.waitForSync(signal);
    this.log(`synced ${this.informer.lister.list().length} notebooks`);
    signal.addEventListener("abort", () => this.queue.shutDown(), { once: true });
    await this.queue.run(this.opts.workers ?? 2, (key) => this.reconcile(key), (key, err) => this.log(`reconcile ${key}: ${String(err)}`));
  }

  private enqueue(nb: Notebook): void {
    // Skip objects already in the desired state: status writes come back as updates.
    if (sameStatus(nb.status, desiredStatus(nb))) return;
    this.queue.add(`${nb.metadata.namespace}/${nb.metadata.name}`);
  }

  private async reconcile(key: string): Promise<void> {
    const cached = this.informer.lister.get(key);
    if (!cached) return; // deleted since it was queued
    const [namespace, name] = key.split("/") as [string, string];
    const notebooks = this.client.skaiV1alpha1.notebooks(namespace);
    let first = true;
    await retryOnConflict(async () => {
      // First try from the cache; after a conflict, from the server.
      const nb = first ? cached : await notebooks.get(name);
      first = false;
      const status = desiredStatus(nb);
      if (sameStatus(nb.status, status)) return;
      try {
        await notebooks.updateStatus({ ...nb, status });
        this.log(`${key}: ${status.phase}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    });
  }
}
