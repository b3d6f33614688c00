import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { call, startServer, type TestServer } from "./fixtures.js";

let healthy = true;
let server: TestServer;
before(async () => {
  server = await startServer({
    healthChecks: [
      {
        name: "storage",
        check() {
          if (!healthy) throw new Error("database is locked");
        },
      },
    ],
  });
});
after(() => server.close());

test("health endpoints answer ok without a client certificate", async () => {
  for (const path of ["/healthz", "/livez", "/readyz"]) {
    const r = await call(server, path, { client: null });
    assert.equal(r.status, 200, path);
    assert.equal(r.body, "ok");
    assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
  }
});

test("?verbose lists the checks", async () => {
  const r = await call(server, "/readyz?verbose", { client: null });
  assert.equal(r.body, "[+]ping ok\n[+]storage ok\n[+]shutdown ok\nreadyz check passed\n");
});

test("a failing check gives 500 with the reason withheld; ?exclude skips it", async () => {
  healthy = false;
  try {
    const r = await call(server, "/healthz", { client: null });
    assert.equal(r.status, 500);
    assert.equal(r.body, "[+]ping ok\n[-]storage failed: reason withheld\nhealthz check failed\n");
    const excluded = await call(server, "/healthz?exclude=storage&exclude=nope&verbose", { client: null });
    assert.equal(excluded.status, 200);
    assert.equal(
      excluded.body,
      '[+]ping ok\n[+]storage excluded: ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nhealthz check passed\n',
    );
    const single = await call(server, "/livez/storage", { client: null });
    assert.equal(single.status, 500);
    assert.equal(single.body, "internal server error: database is locked\n");
  } finally {
    healthy = true;
  }
});

test("/<endpoint>/<check> answers one check; unknown checks 404", async () => {
  const r = await call(server, "/healthz/ping", { client: null });
  assert.equal(r.status, 200);
  assert.equal(r.body, "ok");
  const missing = await call(server, "/healthz/nope", { client: null });
  assert.equal(missing.status, 404);
});
