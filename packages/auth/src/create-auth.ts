import type { IncomingMessage, ServerResponse } from "node:http";
import { type NextRequest, NextResponse } from "next/server.js";
import {
  type AccessToken,
  type AccessTokens,
  createAccessTokens,
  type GetAccessTokenOptions,
} from "./access-token.js";
import { type AuthConfig, resolveConfig } from "./config.js";
import { AuthError, storeUnavailable } from "./errors.js";
import {
  type AnyRequest,
  type AnyResponse,
  cookiesOf,
  isAnyRequest,
  writeSessionCookies,
} from "./http/node-adapter.js";
import { jarOf, nextCookieStore, nextRequestHost, requestCookies } from "./http/request-cookies.js";
import { applySessionWrites, cookieInits, secureFor } from "./http/set-cookies.js";
import { discover } from "./oidc/discovery.js";
import { isLoopbackHost } from "./oidc/loopback.js";
import { memoryReplayStore } from "./oidc/replay-cache.js";
import type { AuthOptions } from "./options.js";
import { createRouteTable } from "./routes/index.js";
import { jsonError } from "./routes/responses.js";
import type { AuthRouteTable } from "./routes/types.js";
import { type CryptoEngineName, createSealer } from "./session/sealer.js";
import type { CookieJar, CookieWrite } from "./session/session-cookies.js";
import {
  createSessionCore,
  type NewSession,
  type SessionCore,
  type SessionUpdate,
} from "./session/session-core.js";
import { createSessionManagement, type SessionInfo } from "./session/session-management.js";
import type { LogoutTokenReplayStore, SessionData, SessionStore } from "./store/types.js";
import { createTelemetry } from "./telemetry/index.js";

/** Whose sessions `revokeUserSessions` ends. */
export interface RevokeUserSessionsOptions {
  /** The user's subject (`sub`). */
  sub: string;
  /** The issuer; @default the configured provider's issuer (from discovery) */
  iss?: string;
}

/**
 * What {@link createAuth} returns. Every helper that takes a request takes a Web `Request`
 * (`NextRequest`) or Node's `IncomingMessage` (the Pages Router's `ctx.req`, `NextApiRequest`),
 * and writes cookies onto a Web `Response` (`NextResponse`) or Node's `ServerResponse`
 * (`ctx.res`, `NextApiResponse`), appending `Set-Cookie` beside the ones already set.
 */
export interface Auth {
  /**
   * The request's session, or `null`. Without a request it reads `next/headers` cookies. Never
   * throws for a bad cookie; given a `response` (e.g. `getSession(ctx.req, ctx.res)`), a bad
   * cookie's session cookies are cleared on it.
   */
  getSession(
    request?: Request | IncomingMessage,
    response?: Response | ServerResponse,
  ): Promise<SessionData | null>;
  /** Replaces the session's data (server actions and route handlers, via `next/headers`). */
  updateSession(update: SessionUpdate): Promise<void>;
  /** Replaces the session's data, writing the cookies onto `response`. */
  updateSession(
    request: Request | IncomingMessage,
    response: Response | ServerResponse,
    update: SessionUpdate,
  ): Promise<void>;
  /** For `proxy.ts` / `middleware.ts`: serves auth routes, rolls the session, clears bad cookies. Never throws. */
  middleware(request: NextRequest): Promise<NextResponse>;
  /** Starts a new session (fresh id) on `response`, discarding the request's old one. */
  saveSession(
    request: Request | IncomingMessage,
    response: Response | ServerResponse,
    session: NewSession,
  ): Promise<void>;
  /** Ends the request's session: the store record and every session cookie on `response`. */
  deleteSession(
    request: Request | IncomingMessage,
    response: Response | ServerResponse,
  ): Promise<void>;
  /**
   * A valid access token of the session (`null` without one), refreshed when expired or within
   * `refreshBuffer` (or always, with `refresh: true`). Without a request it works through
   * `next/headers` and writes the refreshed session where Next allows cookie writes (route
   * handlers, server actions); stateful sessions are saved in the store either way. Throws an
   * `OidcError` when the refresh fails (e.g. `OIDC_REFRESH_REJECTED`).
   */
  getAccessToken(options?: GetAccessTokenOptions): Promise<AccessToken | null>;
  /** The same for a request; a refreshed session's cookies are written onto `response` when given. */
  getAccessToken(
    request: Request | IncomingMessage,
    response?: Response | ServerResponse,
    options?: GetAccessTokenOptions,
  ): Promise<AccessToken | null>;
  /**
   * The signed-in user's live sessions (this device and others), newest first, from the store's
   * index. Throws `AUTH_STORE_REQUIRED` without a `sessionStore`, `AUTH_SESSION_MISSING` when the
   * request has no session.
   */
  listSessions(request?: Request | IncomingMessage): Promise<SessionInfo[]>;
  /**
   * Ends one of the signed-in user's sessions by its `listSessions` id; ending the current one
   * clears its cookies (through `next/headers`, or on `response`). Another user's id, or an
   * unknown one, is refused with `AUTH_SESSION_NOT_FOUND` and changes nothing.
   */
  revokeSession(id: string): Promise<void>;
  revokeSession(
    request: Request | IncomingMessage,
    response: Response | ServerResponse,
    id: string,
  ): Promise<void>;
  /** Ends every session of the signed-in user except the current one; answers how many ended. */
  revokeOtherSessions(request?: Request | IncomingMessage): Promise<number>;
  /** Server-side admin: ends every session of a user; answers how many ended. */
  revokeUserSessions(options: RevokeUserSessionsOptions): Promise<number>;
  /** The validated configuration (durations in seconds); its secrets are non-enumerable, so logging it shows none. */
  readonly config: AuthConfig;
}

/** The store's own replay memory, when it implements the optional {@link LogoutTokenReplayStore}. */
function storeReplayMemory(store: SessionStore | undefined): LogoutTokenReplayStore | undefined {
  const extended = store as (SessionStore & Partial<LogoutTokenReplayStore>) | undefined;
  return typeof extended?.claimLogoutToken === "function"
    ? (extended as SessionStore & LogoutTokenReplayStore)
    : undefined;
}

/** The store's own `name` (the shipped drivers set one), for telemetry. */
function storeName(store: SessionStore): string {
  const { name } = store as { name?: unknown };
  return typeof name === "string" && name !== "" ? name : "custom";
}

/** Test-only knobs, kept off the public options. */
export interface InternalAuthOptions {
  engine?: CryptoEngineName;
}

/**
 * Creates the auth instance of an app. Options are validated here, once, and
 * secret keys are derived once; the returned functions only do per-request work.
 */
export function createAuth(options: AuthOptions = {}): Auth {
  return createAuthWith(options, {});
}

/** {@link createAuth} with test-only knobs (which crypto engine). Not exported from the package. */
export function createAuthWith(options: AuthOptions, internal: InternalAuthOptions): Auth {
  const config = resolveConfig(options);
  const telemetry = createTelemetry(
    options.openTelemetry === undefined ? {} : { api: options.openTelemetry },
  );
  const configured = config.session.store;
  const core: SessionCore = createSessionCore(config, {
    engine: internal.engine,
    ...(configured ? { store: telemetry.instrumentStore(configured, storeName(configured)) } : {}),
    onEvent: (event) =>
      telemetry.sessionEvent(
        event.type,
        event.type === "ended" ? event.reason : undefined,
        event.type === "ended" ? event.count : 1,
      ),
  });
  const management = createSessionManagement(core);
  const transactions = createSealer(config.secrets, internal.engine, "login-transaction");
  const accessTokens: AccessTokens | undefined = config.oidc
    ? createAccessTokens(config.oidc, core, { onRefresh: telemetry.refreshOutcome })
    : undefined;
  let replayStore: LogoutTokenReplayStore | undefined;
  if (config.oidc) {
    replayStore = options.logoutTokenReplayStore ?? storeReplayMemory(core.store);
    if (!replayStore) {
      if (core.store) {
        config.logger.warn(
          "sessionkit: the sessionStore does not remember logout tokens (LogoutTokenReplayStore): each app instance refuses replays on its own",
        );
      }
      replayStore = memoryReplayStore();
    }
  }
  const routes: AuthRouteTable = createRouteTable({
    config,
    core,
    transactions,
    ...(accessTokens === undefined ? {} : { accessTokens }),
    ...(replayStore === undefined ? {} : { replayStore }),
    ...(options.beforeSessionSaved === undefined
      ? {}
      : { beforeSessionSaved: options.beforeSessionSaved }),
    ...(options.onCallback === undefined ? {} : { onCallback: options.onCallback }),
  });

  /** Cookie writes for a server action or route handler, through `next/headers`. */
  const withNextCookies = async <T>(
    work: (jar: CookieJar) => Promise<{ result: T; writes: CookieWrite[] }>,
  ): Promise<T> => {
    const store = await nextCookieStore();
    const { result, writes } = await work(jarOf(store));
    if (writes.length === 0) return result;
    const host = config.appBaseUrl ? null : await nextRequestHost();
    const hostname = host?.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
    const url = host && hostname && isLoopbackHost(hostname) ? `http://${host}/` : undefined;
    for (const cookie of cookieInits(config, writes, secureFor(config, url))) store.set(cookie);
    return result;
  };
  const nextJar = async () => jarOf(await nextCookieStore());

  async function getAccessToken(
    ...args: [GetAccessTokenOptions?] | [AnyRequest, AnyResponse?, GetAccessTokenOptions?]
  ): Promise<AccessToken | null> {
    if (!accessTokens) {
      throw new AuthError(
        "AUTH_OIDC_NOT_CONFIGURED",
        "getAccessToken needs an OpenID Provider: set `issuer` (AUTH_ISSUER) in createAuth()",
      );
    }
    const [first] = args;
    if (isAnyRequest(first)) {
      const [request, response, options] = args as [
        AnyRequest,
        AnyResponse?,
        GetAccessTokenOptions?,
      ];
      const result = await accessTokens.get(cookiesOf(request), options);
      if (response) writeSessionCookies(config, request, response, result.writes);
      return result.accessToken;
    }
    let token: AccessToken | null = null;
    try {
      await withNextCookies(async (jar) => {
        const result = await accessTokens.get(jar, first as GetAccessTokenOptions | undefined);
        token = result.accessToken;
        return { result: undefined, writes: result.writes };
      });
    } catch (error) {
      // A Server Component may not set cookies: the token is still good (and stored, if stateful).
      if (token === null) throw error;
    }
    return token;
  }

  async function getSession(
    request?: AnyRequest,
    response?: AnyResponse,
  ): Promise<SessionData | null> {
    const jar = request ? cookiesOf(request) : await nextJar();
    const read = await core.read(jar);
    if (read.kind === "valid") return read.session;
    if (read.kind === "invalid" && request && response) {
      writeSessionCookies(config, request, response, core.discard(read));
    }
    if (read.kind === "unavailable" && config.session.onStoreError === "throw") {
      throw storeUnavailable(read.error);
    }
    return null;
  }

  async function updateSession(
    ...args: [SessionUpdate] | [AnyRequest, AnyResponse, SessionUpdate]
  ): Promise<void> {
    if (args.length === 1) {
      const [change] = args;
      return withNextCookies(async (jar) => ({
        result: undefined,
        writes: await core.update(jar, change),
      }));
    }
    const [request, response, change] = args;
    writeSessionCookies(config, request, response, await core.update(cookiesOf(request), change));
  }

  async function sessionkitMiddleware(request: NextRequest): Promise<NextResponse> {
    const path = request.nextUrl.pathname;
    const route = routes.get(path);
    if (route) {
      return telemetry.traceRoute(path, request, async () => {
        try {
          return await route(request);
        } catch (error) {
          // Routes answer their own failures; this is a bug's last stop, logged and answered 500.
          config.logger.error("sessionkit: an auth route failed", error);
          return jsonError(500, "server_error", "the auth route failed; see the server log");
        }
      }) as Promise<NextResponse>;
    }
    let writes: CookieWrite[] = [];
    try {
      const now = Date.now();
      const read = await core.read(requestCookies(request), now);
      if (read.kind === "invalid") writes = core.discard(read);
      else if (read.kind === "valid") writes = await core.roll(read, now);
    } catch (error) {
      // Not reachable by a cookie; a bug must still not turn every page into a 500.
      config.logger.error(
        "sessionkit: the middleware failed; the request goes on unchanged",
        error,
      );
      writes = [];
    }
    const response = NextResponse.next();
    applySessionWrites(config, request, response, writes);
    return response;
  }

  async function saveSession(request: AnyRequest, response: AnyResponse, session: NewSession) {
    writeSessionCookies(config, request, response, await core.save(cookiesOf(request), session));
  }

  async function deleteSession(request: AnyRequest, response: AnyResponse) {
    writeSessionCookies(config, request, response, await core.destroy(cookiesOf(request)));
  }

  async function listSessions(request?: AnyRequest): Promise<SessionInfo[]> {
    return management.list(request ? cookiesOf(request) : await nextJar());
  }

  async function revokeSession(
    ...args: [string] | [AnyRequest, AnyResponse, string]
  ): Promise<void> {
    if (args.length === 1) {
      const [id] = args;
      return withNextCookies((jar) => management.revoke(jar, id));
    }
    const [request, response, id] = args;
    const { writes } = await management.revoke(cookiesOf(request), id);
    writeSessionCookies(config, request, response, writes);
  }

  async function revokeOtherSessions(request?: AnyRequest): Promise<number> {
    return management.revokeOthers(request ? cookiesOf(request) : await nextJar());
  }

  async function revokeUserSessions(target: RevokeUserSessionsOptions): Promise<number> {
    const { sub, iss } = target ?? ({} as RevokeUserSessionsOptions);
    if (typeof sub !== "string" || sub === "" || (iss !== undefined && typeof iss !== "string")) {
      throw new AuthError(
        "AUTH_INVALID_ARGUMENT",
        "revokeUserSessions takes { sub, iss? } with a non-empty `sub`",
      );
    }
    let issuer = iss;
    if (issuer === undefined || issuer === "") {
      if (!config.oidc) {
        throw new AuthError(
          "AUTH_INVALID_ARGUMENT",
          "revokeUserSessions needs `iss` when no `issuer` is configured",
        );
      }
      // Sessions record the issuer discovery reports, so that is the one to match.
      issuer = (await discover(config.oidc)).issuer;
    }
    return management.revokeUser({ iss: issuer, sub });
  }

  return {
    getSession,
    updateSession: updateSession as Auth["updateSession"],
    getAccessToken: getAccessToken as Auth["getAccessToken"],
    middleware: sessionkitMiddleware,
    saveSession,
    deleteSession,
    listSessions,
    revokeSession: revokeSession as Auth["revokeSession"],
    revokeOtherSessions,
    revokeUserSessions,
    config,
  };
}
