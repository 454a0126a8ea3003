import type { NextRequest } from "next/server.js";
import type { AuthConfig } from "./config.js";
import type { Sealer } from "./session/sealer.js";
import type { SessionCore } from "./session/session-core.js";

/** A route `middleware` answers itself (login, callback, logout…): a request in, a response out. */
export type AuthRoute = (request: NextRequest) => Promise<Response>;

/** Routes by exact pathname; `middleware` consults it before rolling the session. */
export type AuthRouteTable = ReadonlyMap<string, AuthRoute>;

/** What a route needs from the core to read and write sessions. */
export interface AuthRouteContext {
  config: AuthConfig;
  /** Sessions: read, save (fresh id), update, destroy; cookie writes come back for the response. */
  core: SessionCore;
  /** Seals login transactions (state, nonce, PKCE verifier) under keys of their own. */
  transactions: Sealer;
}

/**
 * The routes `middleware` serves. The session-only core mounts none; the OIDC
 * routes (`/auth/login`, `/auth/callback`, …) are added here.
 */
export function createRouteTable(_context: AuthRouteContext): AuthRouteTable {
  return new Map();
}
