import type { KubeObject } from "./interface.js";

/**
 * One committed change, as kept in history and fanned out to watchers.
 * `value` null means a deletion; `prevValue` null means a creation.
 */
export interface RawEvent {
  revision: number;
  key: string;
  value: string | null;
  prevValue: string | null;
  prevRevision: number;
  /**
   * `value` as an object, resourceVersion set, when the backend has it without parsing `value`
   * (the writer handed it over). Watchers share it: objects storage hands out are never changed.
   */
  object?: KubeObject;
}
