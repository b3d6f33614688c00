/**
 * The object every layer of the server passes around: the client's wire shape
 * (one definition of ObjectMeta for client and server) with `metadata` always
 * present and open to the fields a kind adds, since the server handles objects
 * of any kind as JSON.
 */
import type { KubeObject as WireObject, ObjectMeta } from "@skai-gen/client";

export type KubeObject = Omit<WireObject, "metadata"> & {
  metadata: ObjectMeta & { [field: string]: unknown };
  [field: string]: unknown;
};
