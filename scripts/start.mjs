#!/usr/bin/env node
// `npm start -- <flags>`: regenerate if the definitions changed, build, and serve
// the SKAI API (SKAI's server, apiserver/: the generated server with SKAI's
// extensions) with the given kube-apiserver-style flags.
import { spawnSync, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });

const verify = run(process.execPath, ["generator/bin/skai-gen.js", "verify"], { stdio: "ignore" });
if (verify.status !== 0) {
  console.error("generated/ is out of date: regenerating");
  if (run(process.execPath, ["generator/bin/skai-gen.js", "generate"]).status !== 0) process.exit(1);
}
const tsc = path.join(root, "node_modules/typescript/bin/tsc");
if (run(process.execPath, [tsc, "-b", "generated", "apiserver"]).status !== 0) process.exit(1);

const server = spawn(process.execPath, ["apiserver/dist/main.js", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
