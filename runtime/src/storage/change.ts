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
}
