/** A test user; the password is shown on the login page. */
export interface TestUser {
  readonly username: string;
  readonly password: string;
  readonly claims: Readonly<{
    name: string;
    nickname: string;
    email: string;
    email_verified: boolean;
  }>;
}

/** The test users (alice, bob, carol). */
export declare const TEST_USERS: readonly TestUser[];

/** The demo client's id. */
export declare const DEFAULT_CLIENT_ID: string;

/** The demo client's secret (local use only). */
export declare const DEFAULT_CLIENT_SECRET: string;

/** Options of {@link startDevProvider}. */
export interface DevProviderOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to listen on; also the issuer's host. @default "127.0.0.1" */
  host?: string;
  /** Origins of the app instances, e.g. `http://localhost:3000`: each gets a redirect and a post-logout URI. @default ["http://localhost:3000"] */
  appUrls?: string[];
  /** Where the provider POSTs back-channel logout tokens (one per client); `null` for none. @default `${appUrls[0]}/auth/backchannel-logout` */
  backchannelLogoutUrl?: string | null;
  /** The client's id. @default "sessionkit-demo" */
  clientId?: string;
  /** The client's secret. @default DEFAULT_CLIENT_SECRET */
  clientSecret?: string;
  /** Access token lifetime, in seconds. @default 600 */
  accessTokenTtl?: number;
  /** Where the provider reports back-channel logouts and errors. @default silent */
  log?: (message: string) => void;
  /**
   * Called for every refresh-token grant the token endpoint answers, with the refresh token
   * presented and whether it was honoured; tests use it to see each token spent once.
   * @default none
   */
  onRefreshTokenUse?: (use: RefreshTokenUse) => void;
  /**
   * Awaited before the token endpoint handles each request (code exchange and refresh alike);
   * tests use it to hold concurrent refreshes until all of them have arrived.
   * @default none
   */
  beforeTokenRequest?: () => void | Promise<void>;
}

/** One refresh-token grant request, as {@link DevProviderOptions.onRefreshTokenUse} reports it. */
export interface RefreshTokenUse {
  /** The refresh token the client presented. */
  readonly refreshToken: string;
  /** Whether the provider issued new tokens for it. */
  readonly accepted: boolean;
  /** Why it was refused, e.g. `invalid_grant: refresh token already used`. */
  readonly error?: string;
}

/** A running provider. */
export interface DevProvider {
  /** The issuer URL (`AUTH_ISSUER` of the app). */
  readonly issuer: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly appUrls: readonly string[];
  readonly backchannelLogoutUrl: string | undefined;
  /** The test users' names and passwords. */
  readonly users: readonly { username: string; password: string }[];
  /** The oidc-provider instance, for its events (e.g. `backchannel.success`). */
  readonly provider: {
    on(event: string, listener: (...args: unknown[]) => void): unknown;
    once(event: string, listener: (...args: unknown[]) => void): unknown;
  };
  /** Stops listening and drops open connections; idempotent. */
  close(): Promise<void>;
}

/** Starts an OpenID Provider with the test users, for the demo app and its tests. */
export declare function startDevProvider(options?: DevProviderOptions): Promise<DevProvider>;
