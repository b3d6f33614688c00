/**
 * One etcd watch on a key range, kept as clientv3's watcher keeps it: a Watch stream over the
 * GrpcChannel (answers decoded by watch-proto.ts, not by grpc-js and proto-loader), resumed
 * after a lost connection from the revision after the last event delivered, on whichever
 * member the channel reaches, so every event arrives once and in order. It ends only when
 * etcd cancels it (its start revision was compacted) or its owner cancels it.
 */
import { prefixEnd } from "../codec.js";
import type { GrpcChannel, GrpcStream } from "./grpc-channel.js";
import { decodeWatchResponse, encodeWatchCreate, type EtcdWatchEvent, type EtcdWatchResponse } from "./watch-proto.js";

const WATCH = "/etcdserverpb.Watch/Watch";
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

export interface EtcdWatchHandlers {
  onEvents(events: EtcdWatchEvent[]): void;
  /** etcd canceled the watch (with its text, which says when the start revision was compacted); nothing follows. */
  onCanceled(err: Error): void;
}

export class EtcdWatch {
  private stream: GrpcStream | undefined;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private retry: NodeJS.Timeout | undefined;

  /** Watches every key under `prefix` (etcd key) for events after revision `after`. */
  constructor(
    private readonly channel: GrpcChannel,
    private readonly prefix: string,
    private after: number,
    private readonly handlers: EtcdWatchHandlers,
  ) {}

  /** Resolves once etcd has created the watch; rejects when this first attempt fails. */
  start(): Promise<void> {
    return this.attach();
  }

  cancel(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.stream?.cancel();
    this.stream = undefined;
  }

  private attach(): Promise<void> {
    return new Promise((resolve, reject) => {
      let stream: GrpcStream | undefined;
      let created = false;
      let ended = false;
      const end = (err: Error) => {
        if (ended) return;
        ended = true;
        stream?.cancel();
        if (this.stream === stream) this.stream = undefined;
        if (!created) reject(err);
        else if (!this.stopped) this.resumeLater();
      };
      const answer = (message: Buffer) => {
        if (this.stopped || ended) return;
        let res: EtcdWatchResponse;
        try {
          res = decodeWatchResponse(message);
        } catch (err) {
          return end(err as Error);
        }
        if (res.canceled) {
          const err = canceledError(res);
          this.cancel();
          ended = true;
          return created ? this.handlers.onCanceled(err) : reject(err);
        }
        if (res.created && !created) {
          created = true;
          this.retryMs = RETRY_MIN_MS;
          resolve();
        }
        if (res.events.length > 0) {
          this.after = res.events[res.events.length - 1]!.kv.modRevision;
          this.handlers.onEvents(res.events);
        }
      };
      this.channel.open(WATCH, { onMessage: answer, onEnd: end }).then(
        (opened) => {
          if (this.stopped || ended) return opened.cancel();
          stream = this.stream = opened;
          opened.send(encodeWatchCreate(this.prefix, prefixEnd(this.prefix), this.after + 1));
        },
        (err: Error) => end(err),
      );
    });
  }

  /** The stream was lost: watch again from after the last event, backing off while no member answers. */
  private resumeLater(): void {
    if (this.channel.closed) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) this.attach().catch(() => !this.stopped && this.resumeLater());
    }, this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }
}

function canceledError(res: EtcdWatchResponse): Error {
  // clientv3's text for a compacted start revision, which errors.ts recognises.
  if (res.compactRevision > 0) return new Error(`etcdserver: mvcc: required revision has been compacted (compacted at ${res.compactRevision})`);
  return new Error(`etcd canceled the watch: ${res.cancelReason || "no reason given"}`);
}
