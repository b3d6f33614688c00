/**
 * The resource handler used when the caller brings none: the endpoints layer's
 * createResourceHandler. Loaded on first use so the serving layer does not
 * depend on the handler layer at import time (and can be tested without it).
 */
import type { Handler } from "../api/request.js";
import type { ResourceDefinition } from "../api/resource.js";
import type { Storage } from "../storage/interface.js";

type CreateResourceHandler = (defs: ResourceDefinition[], storage: Storage, opts: Record<string, unknown>) => Handler;

// A variable specifier keeps the type-checker from requiring the module while it is being written.
const ENDPOINTS_MODULE = "../endpoints/index.js";

export function lazyResourceHandler(defs: ResourceDefinition[], storage: Storage, opts: Record<string, unknown> = {}): Handler {
  let handler: Promise<Handler> | undefined;
  return async (ctx) => {
    handler ??= (import(ENDPOINTS_MODULE) as Promise<{ createResourceHandler: CreateResourceHandler }>).then((m) =>
      m.createResourceHandler(defs, storage, opts),
    );
    return (await handler)(ctx);
  };
}
