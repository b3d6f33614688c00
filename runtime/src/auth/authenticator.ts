import type { IncomingMessage } from "node:http";
import type { UserInfo } from "../api/request.js";

/**
 * One way of authenticating a request, as kube's authenticator.Request:
 * a user when it recognises valid credentials, null when the request carries
 * none of its kind (the next one is tried), and a thrown
 * AuthenticationError when the credentials are there but invalid.
 */
export interface Authenticator {
  name: string;
  authenticate(req: IncomingMessage): UserInfo | null | Promise<UserInfo | null>;
}

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthenticationError";
  }
}

export const SYSTEM_AUTHENTICATED = "system:authenticated";
export const SYSTEM_UNAUTHENTICATED = "system:unauthenticated";
export const SYSTEM_ANONYMOUS = "system:anonymous";
export const SYSTEM_MASTERS = "system:masters";

/**
 * A user to share between requests (authenticators remember users per connection or per
 * credentials): frozen, groups and extra included, so no request can change another's user.
 */
export function frozenUser(user: UserInfo): UserInfo {
  Object.freeze(user.groups);
  if (user.extra) for (const values of Object.values(Object.freeze(user.extra))) Object.freeze(values);
  return Object.freeze(user);
}

const withAuthenticated = new WeakMap<UserInfo, UserInfo>();

/**
 * The user with system:authenticated, as kube's AuthenticatedGroupAdder adds it for every
 * authenticated user. A new object, never a change to `user`, remembered per user:
 * authenticators hand out the same user object for the same credentials, and it is frozen
 * because every request of that user shares it.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.groups.includes(SYSTEM_AUTHENTICATED)) return user;
  let added = withAuthenticated.get(user);
  if (!added) {
    added = frozenUser({ ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] });
    withAuthenticated.set(user, added);
  }
  return added;
}
