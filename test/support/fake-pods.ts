/**
 * Pods for the stand-in kube-apiserver, in the real shapes: the pod list and
 * get (labelSelector with equality terms), pods/log (follow, tailLines,
 * sinceSeconds, timestamps, container, limitBytes; chunked text/plain) and
 * pods/exec over WebSocket (v5.channel.k8s.io / v4.channel.k8s.io, channel
 * byte prefix, resize on channel 4, the final Status on channel 3). Each
 * pod's "container" is a toy program runner (echo, cat, fail, stty size, sh).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";

export interface FakePod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  containers: string[];
  phase: string;
  /** Log lines per container, with the time they were written. */
  logs: Map<string, Array<{ time: Date; text: string }>>;
}

export interface RecordedExec {
  path: string;
  command: string[];
  container?: string;
  protocol: string;
  stdin: boolean;
  tty: boolean;
}

const STATUS_SUCCESS = { metadata: {}, status: "Success" };

function exitStatus(code: number) {
  if (code === 0) return STATUS_SUCCESS;
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [exit ${code}], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

export class FakePods {
  readonly pods = new Map<string, FakePod>();
  /** Every pods/log request path with its query, in order. */
  readonly logRequests: string[] = [];
  readonly execRequests: RecordedExec[] = [];
  private readonly followers = new Set<{ pod: FakePod; container: string; res: ServerResponse; timestamps: boolean }>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered: Set<string>) => ["v5.channel.k8s.io", "v4.channel.k8s.io"].find((p) => offered.has(p)) ?? false,
  });

  add(namespace: string, name: string, opts: { labels?: Record<string, string>; containers?: string[]; phase?: string } = {}): FakePod {
    const containers = opts.containers ?? ["main"];
    const pod: FakePod = { namespace, name, labels: opts.labels ?? {}, containers, phase: opts.phase ?? "Running", logs: new Map(containers.map((c) => [c, []])) };
    this.pods.set(`${namespace}/${name}`, pod);
    return pod;
  }

  /** Appends a line to a container's log; followers get it at once. */
  log(namespace: string, name: string, text: string, container?: string, time = new Date()): void {
    const pod = this.pods.get(`${namespace}/${name}`)!;
    const c = container ?? pod.containers[0];
    pod.logs.get(c)!.push({ time, text });
    for (const f of this.followers) if (f.pod === pod && f.container === c) f.res.write(this.format({ time, text }, f.timestamps));
  }

  /** Ends every follow stream (the container exited). */
  endFollowers(): void {
    for (const f of this.followers) f.res.end();
    this.followers.clear();
  }

  private format(line: { time: Date; text: string }, timestamps: boolean): string {
    return `${timestamps ? line.time.toISOString().replace(/Z$/, "000000Z") + " " : ""}${line.text}\n`;
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private podObject(p: FakePod) {
    return {
      kind: "Pod",
      apiVersion: "v1",
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels, uid: `uid-${p.name}`, resourceVersion: "1" },
      spec: { containers: p.containers.map((name) => ({ name, image: "busybox" })) },
      status: { phase: p.phase },
    };
  }

  /** GET requests under /api/v1/namespaces/<ns>/pods; false when the path is not a pods path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+)(?:\/(log|exec))?)?$/.exec(url.pathname);
    if (!m) return false;
    const [, ns, name, sub] = m;
    if (!name) {
      const terms = (url.searchParams.get("labelSelector") ?? "").split(",").filter(Boolean).map((t) => t.split("="));
      const items = [...this.pods.values()].filter((p) => p.namespace === ns && terms.every(([k, v]) => p.labels[k] === v)).map((p) => this.podObject(p));
      this.json(res, 200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items });
      return true;
    }
    const pod = this.pods.get(`${ns}/${name}`);
    if (!pod) {
      this.json(res, 404, { ...status(404, "NotFound", `pods "${name}" not found`), details: { name, kind: "pods" } });
      return true;
    }
    if (!sub) this.json(res, 200, this.podObject(pod));
    else if (sub === "log") this.serveLog(req, res, url, pod);
    else this.json(res, 400, status(400, "BadRequest", "Upgrade request required"));
    return true;
  }

  private container(pod: FakePod, requested: string | null): string | { error: string } {
    if (requested) return pod.containers.includes(requested) ? requested : { error: `container ${requested} is not valid for pod ${pod.name}` };
    if (pod.containers.length === 1) return pod.containers[0];
    return { error: `a container name must be specified for pod ${pod.name}, choose one of: [${pod.containers.join(" ")}]` };
  }

  private serveLog(req: IncomingMessage, res: ServerResponse, url: URL, pod: FakePod): void {
    this.logRequests.push(url.pathname + url.search);
    const q = url.searchParams;
    const c = this.container(pod, q.get("container"));
    if (typeof c !== "string") return this.json(res, 400, status(400, "BadRequest", c.error));
    let lines = pod.logs.get(c)!;
    const since = q.get("sinceSeconds");
    if (since) lines = lines.filter((l) => l.time.getTime() >= Date.now() - Number(since) * 1000);
    const tail = q.get("tailLines");
    if (tail !== null) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
    const timestamps = q.get("timestamps") === "true";
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    const text = lines.map((l) => this.format(l, timestamps)).join("");
    if (text) res.write(text);
    if (q.get("follow") !== "true") return void res.end();
    const f = { pod, container: c, res, timestamps };
    this.followers.add(f);
    req.on("close", () => this.followers.delete(f));
  }

  /** An upgrade request; false when it is not a pods/exec path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "https://x");
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    if (!m) return false;
    const pod = this.pods.get(`${m[1]}/${m[2]}`);
    const q = url.searchParams;
    const refuse = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      socket.end(`HTTP/1.1 ${code} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    if (!pod) return refuse(404, status(404, "NotFound", `pods "${m[2]}" not found`)), true;
    const c = this.container(pod, q.get("container"));
    if (typeof c !== "string") return refuse(400, status(400, "BadRequest", c.error)), true;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const rec: RecordedExec = {
        path: url.pathname + url.search,
        command: q.getAll("command"),
        container: c,
        protocol: ws.protocol,
        stdin: q.get("stdin") === "true",
        tty: q.get("tty") === "true",
      };
      this.execRequests.push(rec);
      runToy(ws, rec);
    });
    return true;
  }
}

/** The toy container runtime: a few programs speaking the channel protocol. */
function runToy(ws: WebSocket, rec: RecordedExec): void {
  const v5 = ws.protocol === "v5.channel.k8s.io";
  const send = (ch: number, data: string | Buffer) => ws.send(Buffer.concat([Buffer.from([ch]), Buffer.from(data)]));
  const out = (s: string) => send(1, rec.tty ? s.replace(/\r?\n/g, "\r\n") : s);
  const err = (s: string) => (rec.tty ? out(s) : send(2, s));
  let done = false;
  const exit = (code: number) => {
    if (done) return;
    done = true;
    send(3, JSON.stringify(exitStatus(code)));
    ws.close(1000);
  };
  let size = { Width: 0, Height: 0 };
  let onStdin: (d: Buffer) => void = () => {};
  let onStdinEnd: () => void = () => {};
  let onResize: () => void = () => {};
  ws.on("message", (data: Buffer) => {
    const ch = data[0];
    const payload = data.subarray(1);
    if (ch === 0) onStdin(payload);
    else if (ch === 4) {
      size = JSON.parse(payload.toString());
      onResize();
    } else if (ch === 255 && v5 && payload[0] === 0) onStdinEnd();
  });
  ws.on("close", () => onStdinEnd());

  const [prog, ...args] = rec.command;
  switch (prog) {
    case "echo":
      out(args.join(" ") + "\n");
      return exit(0);
    case "fail":
      err(`${args.slice(1).join(" ") || "failed"}\n`);
      return exit(Number(args[0] ?? 1));
    case "cat":
      onStdin = (d) => send(1, d);
      onStdinEnd = () => exit(0);
      return;
    case "stty":
      // Answers once a size is known (kubectl sends the terminal size right after connecting).
      onResize = () => {
        out(`${size.Height} ${size.Width}\n`);
        exit(0);
      };
      if (size.Width) onResize();
      return;
    case "sh":
    case "bash": {
      let line = "";
      out("$ ");
      onResize = () => {};
      onStdinEnd = () => exit(0);
      onStdin = (d) => {
        for (const ch of d.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            if (rec.tty) send(1, "\r\n");
            const [cmd, ...rest] = line.trim().split(/\s+/);
            line = "";
            if (cmd === "exit") return exit(Number(rest[0] ?? 0));
            if (cmd === "echo") out(rest.join(" ") + "\n");
            else if (cmd === "size") out(`${size.Height} ${size.Width}\n`);
            else if (cmd) err(`${prog}: ${cmd}: not found\n`);
            out("$ ");
          } else if (ch === "\x04" && !line) return exit(0);
          else {
            line += ch;
            // A terminal echoes what is typed.
            if (rec.tty) send(1, ch);
          }
        }
      };
      return;
    }
    default:
      send(3, JSON.stringify({ metadata: {}, status: "Failure", message: `exec: "${prog}": executable file not found in $PATH`, reason: "InternalError" }));
      ws.close(1000);
  }
}
