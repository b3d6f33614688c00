/**
 * `npm run bench`: every speed target of the issues, measured side by side in
 * one run and printed as figures and ratios. Nothing here is a pass/fail test.
 * `npm run bench -- generator` runs one section.
 */
import { benchGenerator } from "./generator.js";
import { benchServer } from "./server.js";
import { benchAuth } from "./auth.js";
import { benchClient } from "./client.js";
import { benchConnect } from "./connect.js";
import { benchEtcd } from "./etcd.js";
import { benchWatchers } from "./watch.js";

const sections: Record<string, (report: (line: string) => void) => Promise<void>> = {
  generator: benchGenerator,
  server: benchServer,
  // the WATCH rows of `server` alone, for iterating on the fan-out
  watch: (report) => benchWatchers(report),
  auth: benchAuth,
  client: benchClient,
  connect: benchConnect,
  protobuf: (report) => import("./protobuf.js").then((m) => m.benchProtobuf(report)),
  cacher: (report) => import("./cacher.js").then((m) => m.benchCacher(report)),
  etcd: benchEtcd,
  dev: (report) => import("./dev-loop.js").then((m) => m.benchDevLoop(report)),
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(sections)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n## ${name}`);
  await run((line) => console.log(line));
}
