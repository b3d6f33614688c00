// One selector grammar for server and client: the client's options answer every
// selector as the server does (same accept/reject, same Status), and reject the
// ones the server's parser rejects before sending them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { ApiError, Indexer, Lister, ResourceClient, type KubeObject, type ResourceDescriptor } from "../../client/src/index.js";
import { Transport, type HttpRequest } from "../../client/src/transport.js";
import { GROUP, call, ns, startHarness, widget, type Harness } from "../runtime/harness.js";

const widgets: ResourceDescriptor = {
  group: GROUP,
  version: "v1",
  kind: "Widget",
  listKind: "WidgetList",
  plural: "widgets",
  namespaced: true,
  subresources: { status: true, scale: true, log: false },
};

/** Counts what reaches the wire, so a rejection can be shown to happen before sending. */
class CountingTransport extends Transport {
  sent = 0;
  override request(req: HttpRequest) {
    this.sent++;
    return super.request(req);
  }
  override stream(req: HttpRequest) {
    this.sent++;
    return super.stream(req);
  }
}

type Verdict = "accepted" | "rejected";

// The server's verdict on each selector; the test checks it, then that the client agrees.
const labelCases: Array<[string, Verdict]> = [
  ["replicas>3", "accepted"],
  ["replicas<3", "accepted"],
  ["a==b", "accepted"],
  ["!a", "accepted"],
  ["a in (b, c),!d,e", "accepted"],
  ["x in ()", "accepted"],
  ["", "accepted"],
  ["a in (b", "rejected"],
  ["-a=b", "rejected"],
  [`a=${"v".repeat(64)}`, "rejected"],
  ["a b", "rejected"],
  ["a >= 1", "rejected"],
  ["a=b,", "rejected"],
  ["!a=b", "rejected"],
  ["a>x", "rejected"],
  ["a in (-x,-y)", "rejected"],
];
const fieldCases: Array<[string, Verdict]> = [
  ["metadata.name=a\\,b", "accepted"],
  ["metadata.name==w0,spec.color!=red", "accepted"],
  ["metadata.name", "rejected"],
  ["metadata.name=a=b", "rejected"],
  ["metadata.name=a\\x", "rejected"],
  ["metadata.name=a\\", "rejected"],
];

describe("selectors: the client answers as the server does", () => {
  let h: Harness;
  let transport: CountingTransport;
  let client: ResourceClient<KubeObject>;
  before(async () => {
    h = await startHarness();
    await call(h, "POST", ns(), widget("w0", { replicas: 1, color: "blue" }, { labels: { replicas: "5", a: "b" } }));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "harness", server: h.url, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "harness", cluster: "harness", user: "u" }],
      currentContext: "harness",
    });
    transport = new CountingTransport(kc, {});
    client = new ResourceClient(transport, widgets, "default");
  });
  after(async () => {
    transport?.close();
    await h?.close();
  });

  /** The outcome a caller sees: the items' names, or the error's Status. */
  async function outcome(list: () => Promise<{ items: KubeObject[] }>): Promise<{ names?: string[]; status?: unknown; sent: number }> {
    const before = transport.sent;
    try {
      const names = (await list()).items.map((o) => o.metadata!.name!);
      return { names, sent: transport.sent - before };
    } catch (err) {
      assert.ok(err instanceof ApiError, String(err));
      return { status: err.status, sent: transport.sent - before };
    }
  }

  async function agree(param: "labelSelector" | "fieldSelector", selector: string, verdict: Verdict): Promise<void> {
    const server = await call(h, "GET", `${ns()}?${param}=${encodeURIComponent(selector)}`);
    assert.equal(server.status, verdict === "accepted" ? 200 : 400, `server on ${param} ${JSON.stringify(selector)}: ${server.text}`);
    const answer = await outcome(() => client.list({ [param]: selector }));
    if (verdict === "accepted") assert.deepEqual(answer, { names: server.body.items.map((o: KubeObject) => o.metadata!.name), sent: 1 });
    else assert.deepEqual(answer, { status: server.body, sent: 0 }, `client on ${param} ${JSON.stringify(selector)}`);
  }

  for (const [selector, verdict] of labelCases) {
    it(`labelSelector ${JSON.stringify(selector)}: ${verdict}`, () => agree("labelSelector", selector, verdict));
  }
  for (const [selector, verdict] of fieldCases) {
    it(`fieldSelector ${JSON.stringify(selector)}: ${verdict}`, () => agree("fieldSelector", selector, verdict));
  }

  it("a field the kind does not support is the server's to reject: sent, and its 400 comes back", async () => {
    const server = await call(h, "GET", `${ns()}?fieldSelector=${encodeURIComponent("spec.replicas=1")}`);
    assert.equal(server.status, 400);
    assert.deepEqual(await outcome(() => client.list({ fieldSelector: "spec.replicas=1" })), { status: server.body, sent: 1 });
  });

  it("watch and deletecollection reject before sending too", async () => {
    const server = await call(h, "GET", `${ns()}?labelSelector=${encodeURIComponent("a in (b")}`);
    const sent = transport.sent;
    await assert.rejects(client.watch({ labelSelector: "a in (b" })[Symbol.asyncIterator]().next(), { status: server.body });
    await assert.rejects(client.deleteCollection({ labelSelector: "a in (b" }), { status: server.body });
    assert.equal(transport.sent, sent);
  });

  it("listers match with the same grammar, and reject what the server rejects", async () => {
    const server = await call(h, "GET", `${ns()}?labelSelector=${encodeURIComponent("-a=b")}`);
    const indexer = new Indexer<KubeObject>();
    for (const [name, replicas] of [["two", "2"], ["five", "5"], ["ten", "10"]] as const) indexer.set({ metadata: { name, namespace: "default", labels: { replicas } } });
    const lister = new Lister(indexer);
    assert.deepEqual(lister.list("replicas>3").map((o) => o.metadata!.name), ["five", "ten"]);
    assert.deepEqual(lister.list({ matchExpressions: [{ key: "replicas", operator: "NotIn", values: ["5", "10"] }] }).map((o) => o.metadata!.name), ["two"]);
    assert.throws(() => lister.list("-a=b"), { status: server.body });
  });
});
