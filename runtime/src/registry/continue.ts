/**
 * List continue tokens in kube's format (k8s.io/apiserver pkg/storage/continue.go):
 * base64url (no padding) of `{"v":"meta.k8s.io/v1","rv":<int>,"start":"<key after prefix>"}`.
 * kube stores the next key to read (`lastKey + "\x00"`); we do the same and strip the
 * NUL to get the exclusive "continue after" key our storage takes.
 */
import { errors } from "../api/status.js";

export interface ContinuePosition {
  /** Full storage key to continue after. */
  continueAfter: string;
  /** Snapshot revision; -1 means "latest" (token handed out with a 410). */
  revision: number;
}

export function encodeContinue(lastKey: string, prefix: string, revision: number): string {
  const start = lastKey.startsWith(prefix) ? lastKey.slice(prefix.length) : lastKey;
  const json = JSON.stringify({ v: "meta.k8s.io/v1", rv: revision, start: start + "\x00" });
  return Buffer.from(json, "utf8").toString("base64url");
}

const invalid = (detail: string) => errors.badRequest(`invalid continue token: ${detail}`);

export function decodeContinue(token: string, prefix: string): ContinuePosition {
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    const text = Buffer.from(token, "base64url").toString("utf8");
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalid(`inconsistent continuation key, continue token has invalid start resource version: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object") {
    throw invalid("inconsistent continuation key, continue token has invalid start resource version");
  }
  if (parsed.v !== "meta.k8s.io/v1") throw invalid(`server does not recognize this encoded version ${String(parsed.v ?? "")}`);
  if (typeof parsed.rv !== "number" || parsed.rv === 0) {
    throw invalid("inconsistent continuation key, continue token has invalid start resource version");
  }
  if (typeof parsed.start !== "string" || parsed.start === "") {
    throw invalid("inconsistent continuation key, continue token has empty start key");
  }
  let start = parsed.start;
  const key = start.startsWith("/") ? start : "/" + start;
  if (key.split("/").some((seg) => seg === "." || seg === "..") || key.includes("//")) {
    throw invalid(`continue key is not valid: ${start}`);
  }
  // "<last key>\x00" is the first key after it: continue after <last key>
  if (start.endsWith("\x00")) start = start.slice(0, -1);
  return { continueAfter: prefix + start.replace(/^\//, ""), revision: parsed.rv };
}
