/**
 * Replaying etcd history for a watch that starts before the live feed: etcd keeps history
 * only behind its own watch API, so a temporary watch on the whole store root from
 * `from + 1` is read until it has passed `upto` (the live feed's revision), filtered to the
 * watched keys. The root (not only the watched key) is watched so `upto`, a root event,
 * is guaranteed to arrive and mark the end of the replay.
 */
import { RevisionCompacted, type ChangeSource, type KeyRange, type RawEvent } from "../backend.js";
import { isCompacted, unreachable } from "./errors.js";
import type { GrpcChannel } from "./grpc-channel.js";
import type { KeyMapper } from "./keys.js";
import type { EtcdWatchEvent } from "./watch-proto.js";
import { EtcdWatch } from "./watch-stream.js";

/** Converts etcd watch events to the hub's RawEvents (storage keys). */
export function toRawEvents(events: EtcdWatchEvent[], keys: KeyMapper): RawEvent[] {
  return events.map(({ deleted, kv, prev }) => {
    const key = keys.fromEtcd(kv.key.toString());
    const revision = kv.modRevision;
    if (deleted) {
      return { revision, key, value: null, prevValue: prev ? prev.value.toString() : '{"metadata":{}}', prevRevision: prev ? prev.modRevision : 0 };
    }
    const created = kv.createRevision === kv.modRevision || !prev;
    return created
      ? { revision, key, value: kv.value.toString(), prevValue: null, prevRevision: 0 }
      : { revision, key, value: kv.value.toString(), prevValue: prev.value.toString(), prevRevision: prev.modRevision };
  });
}

interface HistoryParams {
  channel: GrpcChannel;
  keys: KeyMapper;
  /** Storage key (or prefix) the watcher wants. */
  range: KeyRange;
  from: number;
  upto: number;
  /**
   * When `upto` may not be a root event (nothing was seen since the store opened), the
   * replay also ends after this long without events.
   */
  idleEndMs?: number;
  compacted: () => number;
  learnCompacted: (rev: number) => Promise<number>;
}

const BATCH = 500;

export function etcdHistory(p: HistoryParams): ChangeSource {
  const { key, recursive } = p.range;
  let watcher: EtcdWatch | undefined;
  let buffered: RawEvent[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let idle: NodeJS.Timeout | undefined;
  const finish = () => {
    done = true;
    if (idle) clearTimeout(idle);
    watcher?.cancel();
    wake?.();
  };
  const armIdle = () => {
    if (!p.idleEndMs) return;
    if (idle) clearTimeout(idle);
    idle = setTimeout(finish, p.idleEndMs);
  };
  const matches = (k: string) => (recursive ? k.startsWith(key) : k === key);
  const start = async () => {
    watcher = new EtcdWatch(p.channel, p.keys.root, p.from, {
      onEvents: (events) => {
        if (done) return;
        for (const ev of toRawEvents(events, p.keys)) {
          if (ev.revision > p.upto) return finish();
          if (matches(ev.key)) buffered.push(ev);
          if (ev.revision === p.upto) return finish();
        }
        armIdle();
        wake?.();
      },
      onCanceled: (err) => fail(err),
    });
    await watcher.start();
    armIdle();
  };
  const fail = (err: Error) => {
    if (!isCompacted(err)) {
      failure = unreachable(key, err);
      return finish();
    }
    // Compacted by another replica: learn the revision so the 410 text names it.
    void p.learnCompacted(p.from).then((c) => {
      failure = new RevisionCompacted(c);
      finish();
    });
  };
  let started: Promise<void> | undefined;
  /** Last revision handed out: as for the local backends' history, a compaction past it ends the replay. */
  let after = p.from;
  return async () => {
    if (after < p.compacted()) {
      finish();
      throw new RevisionCompacted(p.compacted());
    }
    if (!started) started = start().catch(fail);
    await started;
    while (buffered.length === 0 && !done) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    if (buffered.length > 0) {
      // In batches, so a compaction between pulls is noticed.
      const out = buffered.splice(0, BATCH);
      after = out[out.length - 1]!.revision;
      return out;
    }
    if (failure) throw failure;
    return [];
  };
}
