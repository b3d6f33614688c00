/**
 * The per-request RequestContext handed to resource handlers. The abort
 * signal is created only when a handler asks for it, keeping plain GETs cheap;
 * once created it fires on timeout, on client disconnect and on shutdown.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext, RequestInfo, UserInfo } from "../api/request.js";
import { type Authorizer, type Decision, decideWithVerb } from "./authorization.js";

export class ServingContext implements RequestContext {
  private controller?: AbortController;
  private abortReason?: unknown;
  /** The authorizer that admitted the request (set by the pipeline), for checks on the same attributes with another verb. */
  authorizer?: Authorizer;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly info: RequestInfo,
    readonly user: UserInfo,
    readonly query: URLSearchParams,
    readonly impersonatedBy?: UserInfo,
  ) {}

  /** Absent authorizer: kube's ensureAuthorizedForVerb fails closed the same way. */
  async authorizeVerb(verb: string): Promise<Decision> {
    if (!this.authorizer) throw new Error("no authorizer available");
    return decideWithVerb(this.authorizer, this.user, this.info, this.query, verb);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
      else if (this.res.destroyed && !this.res.writableFinished) this.abort(new Error("client disconnected"));
      else {
        // 'close' also fires after a normal finish; only an unfinished response means the client left.
        this.res.once("close", () => {
          if (!this.res.writableFinished) this.abort(new Error("client disconnected"));
        });
      }
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}
