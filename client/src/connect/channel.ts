/**
 * The Kubernetes streaming channel protocol over WebSocket
 * (k8s.io/apimachinery wsstream and tools/remotecommand): every message is
 * binary, byte 0 names the channel, the rest is payload. v5 adds the CLOSE
 * signal `[255, channel]` so stdin can be half-closed; v4 has none.
 */
import type { Status } from "../status.js";
import type { TerminalSize } from "./types.js";

export const V5 = "v5.channel.k8s.io";
const V4 = "v4.channel.k8s.io";
/** Preference order: the first one the peer offers wins. */
export const SUPPORTED_PROTOCOLS = [V5, V4];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** One frame: the channel byte then the payload, in one allocation. */
export function frame(channel: number, payload: Uint8Array | string): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

export function resizeFrame(size: TerminalSize): Buffer {
  return frame(RESIZE, JSON.stringify({ Width: size.Width, Height: size.Height }));
}

/** The final Status on the error channel (v4/v5): Success, or NonZeroExitCode with the code as a cause. */
export function exitStatus(code: number): Omit<Status, "kind" | "apiVersion" | "code"> {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [exit ${code}], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

/** Any other failure: the message is what the client shows as the error. */
export function failureStatus(message: string, reason = "InternalError", code = 500): Omit<Status, "kind" | "apiVersion"> {
  return { metadata: {}, status: "Failure", message, reason, code };
}

/** Reads the error channel's Status as client-go's errorDecoderV4: 0, an exit code, or an Error. */
export function decodeExitStatus(payload: Buffer): number | Error {
  let status: Partial<Status>;
  try {
    status = JSON.parse(payload.toString("utf8")) as Partial<Status>;
  } catch {
    return new Error(`error stream protocol error: ${payload.toString("utf8")}`);
  }
  if (status.status === "Success") return 0;
  if (status.reason === "NonZeroExitCode") {
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return code;
  }
  const err = new Error(status.message ?? "command failed");
  (err as Error & { status?: unknown }).status = status;
  return err;
}
