/**
 * Upgrade requests (WebSocket/SPDY for exec, attach, port-forward) run the same
 * pipeline as any other; the serving layer keeps the bytes the client sent after
 * the headers on the request, and the handler that switches protocols reads them.
 */
import type { IncomingMessage } from "node:http";

const UPGRADE_HEAD = Symbol("upgradeHead");

type WithUpgradeHead = IncomingMessage & { [UPGRADE_HEAD]?: Buffer };

/** Called by the serving layer with Node's `upgrade` event's head. */
export function keepUpgradeHead(req: IncomingMessage, head: Buffer): void {
  (req as WithUpgradeHead)[UPGRADE_HEAD] = head;
}

/** Bytes the client sent after an upgrade request's headers (usually none: clients wait for the 101). */
export function upgradeHead(req: IncomingMessage): Buffer {
  return (req as WithUpgradeHead)[UPGRADE_HEAD] ?? Buffer.alloc(0);
}
