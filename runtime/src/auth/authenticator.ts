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
