import type { NextRequest } from "next/server.js";
import type { AccessTokens } from "../access-token.js";
import type { AuthConfig } from "../config.js";
import type { BeforeSessionSaved, OnCallback } from "../options.js";
import type { Sealer } from "../session/sealer.js";
import type { SessionCore } from "../session/session-core.js";
import type { LogoutTokenReplayStore } from "../store/types.js";

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
  /** Access tokens with single-flight refresh; absent without OIDC. */
  accessTokens?: AccessTokens;
  /** Where seen logout token `jti`s are remembered; absent without OIDC. */
  replayStore?: LogoutTokenReplayStore;
  beforeSessionSaved?: BeforeSessionSaved;
  onCallback?: OnCallback;
}

/** The context once OIDC is configured: the routes can count on all of it. */
export type OidcRouteContext = Required<
  Pick<AuthRouteContext, "config" | "core" | "transactions" | "accessTokens" | "replayStore">
> &
  AuthRouteContext & { oidc: NonNullable<AuthConfig["oidc"]> };
