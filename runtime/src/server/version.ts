/** /version: k8s.io/apimachinery/pkg/version.Info. */
import { readFileSync } from "node:fs";

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The runtime package's own version, for gitVersion's build metadata. */
function runtimePackageVersion(): string {
  try {
    // dist/server/version.js and src/server/version.ts both sit two levels below package.json.
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };

/**
 * Kubernetes 1.32 compatible numbers, so kubectl's version-skew check stays
 * quiet; our own package version rides along as semver build metadata.
 */
export function defaultVersionInfo(overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {
    major: "1",
    minor: "32",
    gitVersion: `v1.32.0+skai-gen.${runtimePackageVersion()}`,
    gitCommit: "",
    gitTreeState: "",
    buildDate: "1970-01-01T00:00:00Z",
    goVersion: `node${process.versions.node}`,
    compiler: "node",
    platform: `${process.platform}/${ARCH[process.arch] ?? process.arch}`,
    ...overrides,
  };
}
