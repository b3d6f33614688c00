/**
 * Closing a connection whose client may still be sending (a refused request's rest), as Go's
 * closeWriteAndWait does: half-close after the answer and read on for a moment, so the client
 * reads the answer instead of a reset (closing with its bytes unread makes the kernel reset
 * the connection, and the client may lose what was sent before).
 */
import type { Duplex } from "node:stream";

/** How long a refused request may keep arriving after the answer (net/http's rstAvoidanceDelay). */
export const CLOSE_LINGER_MS = 500;

/** Ends `socket` (after `last`, when given), drains what still arrives, and destroys it after the linger. */
export function lingeringClose(socket: Duplex, last?: string): void {
  if (last === undefined) socket.end();
  else socket.end(last);
  socket.resume();
  setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
}
