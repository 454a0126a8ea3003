/** Why a session ended. */
export type SessionEndReason =
  /** The user signed out through the logout route or `deleteSession`. */
  | "sign-out"
  /** The provider sent a back-channel logout token. */
  | "back-channel-logout"
  /** `revokeSession`, `revokeOtherSessions` or `revokeUserSessions` ended it. */
  | "revoked"
  /** Its inactivity or absolute lifetime ran out. */
  | "expired"
  /** Its cookie could not be opened (tampered, wrong key, truncated, not ours). */
  | "unreadable-cookie"
  /** The cookie was fine but the store had no live session for it (ended elsewhere or evicted). */
  | "store-missing";

/** What every event says about the session; never a token, cookie value or store id. */
export interface SessionEventBase {
  /** When it happened, in epoch milliseconds. */
  at: number;
  /** The session's public id (as `listSessions` shows it), for store-backed sessions. */
  sessionId?: string;
  /** The issuer, when known. */
  iss?: string;
  /** The user's subject, when known. */
  sub?: string;
  /** The provider's session id, when known. */
  sid?: string;
}

/** A session lifecycle event, as `onSessionEvent` receives it. */
export type SessionEvent =
  | (SessionEventBase & { type: "created" })
  | (SessionEventBase & {
      type: "rolled";
      /** The new end of the session, in epoch milliseconds. */
      expiresAt: number;
    })
  | (SessionEventBase & { type: "refreshed" })
  | (SessionEventBase & {
      type: "ended";
      reason: SessionEndReason;
      /** How many sessions ended (back-channel logout and `revokeUserSessions` end several). */
      count: number;
    });
