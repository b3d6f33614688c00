/**
 * The journey of a new team, as the issue's acceptance states it: skai-gen's
 * packages published to a real npm registry on loopback (Verdaccio), then for
 * two APIs unlike SKAI (test/fixtures/apis minimal and fleet: one cluster-scoped
 * kind without status; two groups with two versions each) `npx skai-gen init`,
 * the user's definitions, `npm install`, `npm run generate`, `npm run build`,
 * the server's bin, kubectl (api-resources, create, get with the columns,
 * explain, a 422, scale, get -w, delete), a typed-client program, a program
 * that installed only the generated package (no better-sqlite3, no etcd3), and
 * nothing named SKAI in what was generated. Prints how long each phase took.
 *
 * Each step is a test; a step the later ones need (init, install, generate,
 * build, serve) skips those after it when it fails. JOURNEY_KEEP=1 keeps the
 * temp folders (registry, npm cache, projects) and prints where they are;
 * JOURNEY_APIS=minimal runs one API.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { type LocalRegistry, publishablePackages, repoRoot, seedPrebuiltSqlite, startRegistry } from "../support/registry.js";
import { requires } from "../support/requirements.js";
import { clientOnlyProgram, clientProgram, fixtureDefinitions, fleet, type JourneyApi, minimal } from "./apis.js";
import { check, kubectl, type RunningServer, skaiMentions, UserProject, waitUntil } from "./project.js";

const keep = process.env.JOURNEY_KEEP === "1";
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe("a new team's journey from packages on a local npm registry", { skip: requires("npm-registry", "kubectl"), timeout: 30 * 60_000 }, () => {
  let registry: LocalRegistry;
  let root: string;
  let skaiGenVersion: string;
  const published = new Map<string, string>();

  before(async () => {
    for (const dir of publishablePackages()) {
      if (!existsSync(path.join(dir, "dist"))) throw new Error(`${dir}/dist is missing: run \`npm run build\` first (npm test does)`);
    }
    registry = await startRegistry();
    // Not under the registry's folder, whose name would be in paths the projects print.
    root = mkdtempSync(path.join(tmpdir(), "journey-"));
    for (const dir of publishablePackages()) {
      const { name, version } = registry.publish(dir);
      published.set(name, version);
    }
    skaiGenVersion = published.get("skai-gen")!;
    assert.ok(skaiGenVersion, "skai-gen is among the published packages");
    seedPrebuiltSqlite(registry);
  });

  after(async () => {
    if (keep) console.log(`journey: kept the registry in ${registry?.dir} and the projects in ${root}`);
    else if (root) rmSync(root, { recursive: true, force: true });
    await registry?.stop({ keep });
  });

  it("the registry serves skai-gen, @skai-gen/runtime and @skai-gen/client as published from this checkout", () => {
    assert.deepEqual([...published.keys()].sort(), ["@skai-gen/client", "@skai-gen/runtime", "skai-gen"]);
    for (const [name, version] of published) {
      const r = check(`npm view ${name}`, registry.npm(["view", name, "versions", "--json"], root));
      assert.deepEqual([JSON.parse(r.stdout)].flat(), [version], `${name}: only the version published here`);
    }
  });

  // JOURNEY_APIS=minimal runs one of them (while working on a step).
  const only = process.env.JOURNEY_APIS?.split(",");
  for (const api of [minimal, fleet]) if (!only || only.includes(api.name)) journey(api);

  function journey(api: JourneyApi): void {
    describe(`the ${api.name} API (${api.groups.join(", ")})`, () => {
      let project: UserProject;
      let server: RunningServer | undefined;
      let blocked: string | undefined;
      const timings: [string, number][] = [];

      /** A step the later ones need: when it fails, they skip. */
      const prerequisite = (name: string, fn: (t: TestContext) => unknown | Promise<unknown>) =>
        it(name, async (t) => {
          if (blocked) return t.skip(`blocked: ${blocked}`);
          try {
            await fn(t);
          } catch (e) {
            blocked = `"${name}" failed`;
            throw e;
          }
        });
      const step = (name: string, fn: (t: TestContext, server: RunningServer) => unknown | Promise<unknown>) =>
        it(name, async (t) => {
          if (blocked || !server) return t.skip(`blocked: ${blocked ?? "no server"}`);
          await fn(t, server);
        });
      const timed = <T>(phase: string, fn: () => T): T => {
        const started = performance.now();
        const result = fn();
        timings.push([phase, performance.now() - started]);
        return result;
      };

      after(async () => {
        await server?.stop();
        if (timings.length > 0) {
          const total = timings.reduce((sum, [, ms]) => sum + ms, 0);
          console.log(`journey ${api.name}: ${timings.map(([p, ms]) => `${p} ${seconds(ms)}`).join(", ")}; total ${seconds(total)}`);
        }
      });

      prerequisite("npx skai-gen init makes the project from the registry", () => {
        const dir = path.join(root, `${api.name}-api`);
        const r = timed("init", () => registry.exec("npx", ["--yes", `skai-gen@${skaiGenVersion}`, "init", dir, ...api.initArgs], root));
        check("npx skai-gen init", r);
        project = new UserProject(dir, registry);
        assert.ok(existsSync(path.join(project.generatedDir, "package.json")), "init wrote the first generated package");
        project.replaceDefinitions(fixtureDefinitions(api));
        api.editDefinitions?.(path.join(dir, "definitions"));
      });

      prerequisite("npm install takes skai-gen and its runtime from the registry, not from this checkout", () => {
        check("npm install", timed("install", () => project.npm(["install"])));
        const lock = project.manifest("package-lock.json").packages as Record<string, { resolved?: string; link?: boolean }>;
        for (const name of ["skai-gen", "@skai-gen/runtime", "@skai-gen/client"]) {
          const installed = path.join(project.dir, "node_modules", name);
          assert.ok(existsSync(installed), `${name} is installed`);
          assert.ok(!lstatSync(installed).isSymbolicLink(), `${name} is a copy, not a link`);
          assert.ok(!realpathSync(installed).startsWith(repoRoot + path.sep), `${name} is not this checkout`);
          assert.ok(lock[`node_modules/${name}`]?.resolved?.startsWith(registry.url), `${name} came from ${lock[`node_modules/${name}`]?.resolved}`);
        }
      });

      prerequisite("npm run generate compiles the definitions", () => {
        check("npm run generate", timed("generate", () => project.npm(["run", "generate"])));
        assert.equal(project.manifest(path.relative(project.dir, path.join(project.generatedDir, "package.json"))).name, api.packageName);
      });

      prerequisite("npm run build builds the generated package", () => {
        check("npm run build", timed("build", () => project.npm(["run", "build"])));
      });

      it("the generated package's bins are linked into node_modules/.bin and executable", (t) => {
        if (blocked) return t.skip(`blocked: ${blocked}`);
        for (const bin of Object.keys(project.generatedBins())) assert.equal(project.binProblem(bin), undefined);
      });

      prerequisite("the server serves, and kubectl's first request answers", async () => {
        const started = performance.now();
        server = await project.startServer();
        const listening = performance.now();
        timings.push(["server start", listening - started]);
        check("kubectl api-resources (first request)", kubectl(server, ["api-resources"]));
        timings.push(["first request", performance.now() - listening]);
      });

      step("kubectl api-resources lists every kind", (_t, s) => {
        for (const group of api.groups) {
          const out = check("kubectl api-resources", kubectl(s, ["api-resources", `--api-group=${group}`])).stdout;
          for (const k of api.kinds.filter((k) => k.resource.endsWith(`.${group}`))) {
            assert.match(out, new RegExp(`^${k.plural}\\s.*${group.replace(/\./g, "\\.")}/\\S+\\s+${!!k.namespace}\\s+${k.kind}$`, "m"), out);
          }
        }
      });

      step("kubectl create makes each kind from YAML", (_t, s) => {
        for (const k of api.kinds) assert.match(check(`kubectl create ${k.kind}`, kubectl(s, ["create", "-f", "-"], k.yaml)).stdout, /created/);
      });

      step("kubectl get shows the print columns", (_t, s) => {
        for (const k of api.kinds) {
          const out = check(`kubectl get ${k.plural}`, kubectl(s, ["get", k.resource, ...ns(k)])).stdout;
          const [header, ...rows] = out.trim().split("\n");
          assert.deepEqual(header!.trim().split(/\s{2,}/), k.columns, out);
          assert.ok(rows.some((r) => r.startsWith(k.name) && r.includes(k.rowValue)), out);
        }
      });

      step("kubectl explain <kind>.spec prints the field docs", (_t, s) => {
        for (const k of api.kinds) {
          const out = check(`kubectl explain ${k.plural}.spec`, kubectl(s, ["explain", `${k.resource}.spec`])).stdout;
          assert.match(out, new RegExp(`^\\s+${k.explain.field}\\s`, "m"), out);
          assert.ok(out.includes(k.explain.words), out);
        }
      });

      step("an invalid object is refused with 422 and the field's message", (_t, s) => {
        for (const k of api.kinds) {
          const r = kubectl(s, ["create", "-f", "-", "-v=6"], k.invalid.yaml);
          assert.notEqual(r.status, 0, r.stdout);
          assert.match(r.stderr, / 422 Unprocessable Entity /, r.stderr);
          assert.match(r.stderr, /is invalid/, r.stderr);
          assert.match(r.stderr, k.invalid.message, r.stderr);
        }
      });

      step("kubectl scale goes through the scale subresource (and is refused for kinds without one)", (_t, s) => {
        for (const k of api.kinds) {
          const r = kubectl(s, ["scale", `${k.resource}/${k.name}`, ...ns(k), "--replicas=3"]);
          if (!k.scale) {
            assert.notEqual(r.status, 0, `${k.kind} has no scale subresource: ${r.stdout}`);
            assert.match(r.stderr, /the server could not find the requested resource|NotFound|not found/i, r.stderr);
            continue;
          }
          assert.match(check(`kubectl scale ${k.kind}`, r).stdout, /scaled/);
          assert.equal(check("kubectl get", kubectl(s, ["get", k.resource, k.name, ...ns(k), "-o", `jsonpath=${k.scale.jsonPath}`])).stdout, "3");
        }
      });

      step("kubectl get -w sees a change", async (_t, s) => {
        const k = api.kinds[0]!;
        const watch = spawn("kubectl", [
          ...["--kubeconfig", s.kubeconfig, "--cache-dir", path.join(path.dirname(s.kubeconfig), "kube-cache")],
          ...["get", k.resource, k.name, ...ns(k), "-w", "-o", `jsonpath=${k.change.jsonPath}{"\\n"}`],
        ]);
        let seen = "";
        watch.stdout.on("data", (d) => (seen += d));
        watch.stderr.on("data", (d) => (seen += d));
        try {
          await waitUntil(`kubectl get -w to print ${k.name}:\n${seen}`, () => seen.trim().length > 0);
          check("kubectl patch", kubectl(s, ["patch", k.resource, k.name, ...ns(k), "--type", "merge", "-p", JSON.stringify(k.change.patch)]));
          await waitUntil(`kubectl get -w to print ${k.change.value}`, () => seen.split("\n").includes(k.change.value));
        } finally {
          watch.kill();
        }
      });

      step("a program uses the generated typed client: create, list, watch one event", (_t, s) => {
        const src = path.join(project.dir, "src");
        mkdirSync(src, { recursive: true });
        writeFileSync(path.join(src, "journey-client.ts"), clientProgram(api));
        writeFileSync(
          path.join(project.dir, "tsconfig.client.json"),
          JSON.stringify({
            compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, outDir: "client-dist", skipLibCheck: true },
            include: ["src/journey-client.ts"],
          }),
        );
        // The project's own TypeScript type-checks the program against the generated client's types.
        check("tsc -p tsconfig.client.json", registry.exec(path.join(project.dir, "node_modules/.bin/tsc"), ["-p", "tsconfig.client.json"], project.dir));
        const r = check("the client program", registry.exec(process.execPath, ["client-dist/journey-client.js", s.kubeconfig], project.dir, { timeoutMs: 60_000 }));
        const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { uid: string | null; event?: string; listed: string[]; other?: string; gone: boolean };
        assert.ok(out.uid, r.stdout);
        assert.equal(out.event, "ADDED", r.stdout);
        assert.ok(out.listed.includes("from-client"), r.stdout);
        if (api.client.otherVersionAccessor) assert.match(String(out.other), /\/v1alpha1$/, r.stdout);
        assert.equal(out.gone, true, r.stdout);
      });

      step("a program that installed only the generated package has no better-sqlite3 or etcd3, and calls the server", (_t, s) => {
        const packed = check("npm pack", registry.npm(["pack", "--pack-destination", root, "--json"], project.generatedDir));
        const tarball = path.join(root, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
        const consumer = path.join(root, `${api.name}-consumer`);
        mkdirSync(consumer);
        writeFileSync(
          path.join(consumer, "package.json"),
          JSON.stringify({ name: `${api.name}-consumer`, private: true, type: "module", dependencies: { [api.packageName]: `file:${tarball}` } }),
        );
        writeFileSync(path.join(consumer, "main.mjs"), clientOnlyProgram(api));
        check("npm install (client only)", registry.npm(["install"], consumer));
        const installed = readdirSync(path.join(consumer, "node_modules"));
        for (const server of ["better-sqlite3", "etcd3"]) assert.ok(!installed.includes(server), `${server} is installed: ${installed.join(" ")}`);
        assert.ok(!existsSync(path.join(consumer, "node_modules/@skai-gen/runtime")), "the server runtime is not installed");
        const r = check("the client-only program", registry.exec(process.execPath, ["main.mjs", s.kubeconfig], consumer, { timeoutMs: 60_000 }));
        assert.match(r.stdout, new RegExp(`"kind":"${api.client.kind.kind}List"`), r.stdout);
      });

      step("kubectl delete removes each object", (_t, s) => {
        for (const k of api.kinds) {
          assert.match(check(`kubectl delete ${k.kind}`, kubectl(s, ["delete", k.resource, k.name, ...ns(k)])).stdout, /deleted/);
          const r = kubectl(s, ["get", k.resource, k.name, ...ns(k)]);
          assert.match(r.stderr, /NotFound/, r.stderr);
        }
      });

      step("npm test runs the generated smoke test", () => {
        check("npm test", project.npm(["test"]));
      });

      if (api.dev) {
        const dev = api.dev;
        it("skai-gen dev serves a schema change saved by rename, keeps the objects, and keeps serving through a mistake", async (t) => {
          if (blocked || !server) return t.skip(`blocked: ${blocked ?? "no server"}`);
          await server.stop();
          server = undefined;
          const k = api.kinds[0]!;
          const log = path.join(project.dir, "dev.log");
          const fd = openSync(log, "w");
          // The bin `npm run dev` runs, in its own process group so that stopping it stops its server too.
          const child = spawn(path.join(project.dir, "node_modules/.bin/skai-gen"), ["dev", "--", "--secure-port", "0"], {
            cwd: project.dir,
            stdio: ["ignore", fd, fd],
            env: registry.npmEnv,
            detached: true,
          });
          closeSync(fd);
          const output = () => readFileSync(log, "utf8");
          const restarts = () => output().match(/restarted in \d+ ms/g)?.length ?? 0;
          const kubeconfig = () => /kubectl --kubeconfig (\S+)/.exec(output())?.[1];
          const k8s = (args: string[], input?: string) => kubectl({ kubeconfig: path.resolve(project.dir, kubeconfig()!) } as RunningServer, args, input);
          const saveByRename = (text: string) => {
            const file = path.join(project.dir, dev.file);
            writeFileSync(`${file}.swp`, text);
            renameSync(`${file}.swp`, file);
          };
          try {
            await waitUntil(`skai-gen dev to serve:\n${output()}`, () => restarts() === 1 && !!kubeconfig(), 180_000);
            check("kubectl create (before the change)", k8s(["create", "-f", "-"], k.yaml));

            const original = readFileSync(path.join(project.dir, dev.file), "utf8");
            assert.ok(original.includes(dev.after), `${dev.file} has the line the edit follows`);
            saveByRename(original.replace(dev.after, dev.after + dev.insert));
            await waitUntil(`the change to be served:\n${output()}`, () => restarts() === 2, 180_000);
            const explained = check("kubectl explain", k8s(["explain", `${k.resource}.spec`])).stdout;
            assert.match(explained, new RegExp(`^\\s+${dev.field}\\s`, "m"), explained);
            assert.equal(check("kubectl get (kept object)", k8s(["get", k.resource, k.name, ...ns(k), "-o", "jsonpath={.metadata.name}"])).stdout, k.name);
            const second = k.yaml.replace(`name: ${k.name}`, "name: after-change");
            check("kubectl create (after the change)", k8s(["create", "-f", "-"], second));
            assert.equal(check("kubectl get", k8s(["get", k.resource, "after-change", ...ns(k), "-o", `jsonpath={.spec.${dev.field}}`])).stdout, dev.defaultValue);

            // The rebuilt client's type has the field: a program that sets it type-checks.
            const src = path.join(project.dir, "src");
            mkdirSync(src, { recursive: true });
            writeFileSync(
              path.join(src, "dev-field.ts"),
              `import type { ${dev.typesNamespace} } from "${api.packageName}";\nexport const spec: Partial<${dev.typesNamespace}.${k.kind}Spec> = { ${dev.field}: ${JSON.stringify(dev.defaultValue)} };\n`,
            );
            check("tsc (the new field in the client type)", registry.exec(path.join(project.dir, "node_modules/.bin/tsc"), ["--noEmit", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--strict", "--skipLibCheck", "src/dev-field.ts"], project.dir));

            const before = output().length;
            saveByRename(readFileSync(path.join(project.dir, dev.file), "utf8").replace(dev.mistake.after, dev.mistake.after + dev.mistake.insert));
            await waitUntil(`the mistake's diagnostic:\n${output()}`, () => /keeps serving/.test(output().slice(before)), 120_000);
            assert.match(output().slice(before), dev.mistake.message);
            assert.equal(restarts(), 2, "no restart for a mistake");
            assert.equal(check("kubectl get (through the mistake)", k8s(["get", k.resource, k.name, ...ns(k), "-o", "jsonpath={.metadata.name}"])).stdout, k.name);
          } finally {
            if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
            await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(undefined)));
            // dev's own one line per change (with its generate, build and restart times), for the record.
            for (const line of output().split("\n").filter((l) => l.startsWith("skai-gen: "))) t.diagnostic(line);
          }
        });
      }

      it("nothing in the project names SKAI beyond skai-gen's header and package names", (t) => {
        if (!project) return t.skip("blocked: no project");
        // npm's lockfile lists the dependencies' tarballs; node_modules holds the dependencies themselves.
        const found = skaiMentions(project.dir, (rel) => rel === "node_modules" || rel.endsWith(`${path.sep}node_modules`) || rel === "package-lock.json");
        assert.deepEqual(found, []);
      });

    });
  }
});

function ns(k: { namespace?: string }): string[] {
  return k.namespace ? ["-n", k.namespace] : [];
}
