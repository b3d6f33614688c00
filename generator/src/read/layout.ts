/** The folder layout `definitions/<group>/<version>/*.ts`, added to the ts-morph project. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Project, SourceFile } from "ts-morph";
import type { DiagnosticBag } from "../model/diagnostic.js";
import type { SourceLocation } from "../model/types.js";
import { relativeFile } from "./location.js";

export interface VersionDir {
  name: string;
  dir: string;
  files: SourceFile[];
}

export interface GroupDir {
  group: string;
  versions: VersionDir[];
}

const GROUP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const VERSION_NAME = /^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/;

/** Files of a version folder that hold definitions (a leftover connect.ts or conversion.ts holds functions: read/extensions.ts reports it). */
function isDefinitionFile(name: string): boolean {
  return name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts") && name !== "conversion.ts" && name !== "connect.ts";
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith(".") && statSync(join(dir, n)).isDirectory())
    .sort();
}

export function fileStart(projectRoot: string, path: string): SourceLocation {
  return { file: relativeFile(projectRoot, path), line: 1, column: 1 };
}

export function scanLayout(defsDir: string, project: Project, projectRoot: string, diags: DiagnosticBag): GroupDir[] {
  const layout: GroupDir[] = [];
  for (const group of subdirs(defsDir)) {
    if (!GROUP_NAME.test(group))
      diags.report(fileStart(projectRoot, join(defsDir, group)), "bad-group-name", `API group ${group} is not a DNS subdomain with a dot`, "name the folder like shop.example.com or ml.example.com");
    const versions: VersionDir[] = [];
    for (const version of subdirs(join(defsDir, group))) {
      const dir = join(defsDir, group, version);
      if (!VERSION_NAME.test(version))
        diags.report(fileStart(projectRoot, dir), "bad-version-name", `version ${version} is not a Kubernetes version name`, "name the folder like v1, v1beta1 or v1alpha1");
      const files = readdirSync(dir)
        .filter(isDefinitionFile)
        .sort()
        .map((f) => project.addSourceFileAtPath(join(dir, f)));
      versions.push({ name: version, dir, files });
    }
    layout.push({ group, versions });
  }
  return layout;
}
