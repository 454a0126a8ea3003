import { isAuthError, type SessionInfo } from "@sessionkit/auth";
import { redirect } from "next/navigation";
import { getAuth } from "../../lib/auth";
import { getSession } from "../../lib/session";
import { signOutOtherSessions, signOutSession } from "./actions";

const LOGIN = "/auth/login?returnTo=/sessions";

const time = (epochMs: number | undefined) =>
  epochMs === undefined
    ? "—"
    : `${new Date(epochMs).toISOString().slice(0, 19).replace("T", " ")} UTC`;

const deviceOf = (info: SessionInfo) =>
  typeof info.fields.device === "string" ? info.fields.device : "Unknown device";

/** What the last action did; keyed, so the page never echoes text from the URL. */
function noticeOf(params: Record<string, string | string[] | undefined>): string | undefined {
  switch (params.notice) {
    case "revoked":
      return "That device is signed out: its next request starts logged out.";
    case "gone":
      return "That session had already ended.";
    case "others": {
      const count = Number(params.count);
      if (!Number.isInteger(count) || count < 0) return undefined;
      return count === 1 ? "Signed out 1 other device." : `Signed out ${count} other devices.`;
    }
    default:
      return undefined;
  }
}

export default async function SessionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!(await getSession())) redirect(LOGIN);
  const { auth, store } = await getAuth();

  let sessions: SessionInfo[];
  try {
    sessions = await auth.listSessions();
  } catch (error) {
    if (isAuthError(error, "AUTH_STORE_REQUIRED")) {
      return (
        <section className="card" data-testid="sessions-unavailable">
          <h1>Your sessions</h1>
          <p>
            This instance keeps sessions in encrypted cookies (<code>SESSION_STORE=cookie</code>):
            each browser holds its whole session, and the server keeps no record of it. So there is
            no list of your devices to show, and no way to sign one out from here: a cookie session
            ends when it expires or when that browser logs out.
          </p>
          <p className="muted">
            Run the demo with <code>SESSION_STORE=redis</code>, <code>prisma</code> or{" "}
            <code>dynamodb</code> to see and end your sessions on other devices.
          </p>
        </section>
      );
    }
    if (isAuthError(error, "AUTH_SESSION_MISSING")) redirect(LOGIN);
    throw error;
  }

  const notice = noticeOf(await searchParams);
  const others = sessions.filter((info) => !info.current);
  return (
    <section className="card">
      <h1>Your sessions</h1>
      <p className="muted">
        Everywhere you are signed in with this account, from <code>auth.listSessions()</code>. Last
        activity is as precise as the session&apos;s rolling (<code>updateAge</code>).
      </p>
      {notice ? (
        <p className="notice" data-testid="sessions-notice">
          {notice}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th>Device</th>
            <th>Signed in</th>
            <th>Last active</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.map((info) => (
            <tr key={info.id} data-testid="session-row" data-current={info.current}>
              <td>
                <span data-testid="session-device">{deviceOf(info)}</span>
                {info.current ? (
                  <>
                    {" "}
                    <span className="badge" data-testid="current-session">
                      this device
                    </span>
                  </>
                ) : null}
              </td>
              <td>{time(info.createdAt)}</td>
              <td>{time(info.lastActiveAt)}</td>
              <td>{time(info.expiresAt)}</td>
              <td>
                {info.current ? (
                  <a href="/auth/logout">Log out</a>
                ) : (
                  <form action={signOutSession}>
                    <input type="hidden" name="id" value={info.id} />
                    <button type="submit" className="button secondary" data-testid="revoke-session">
                      Sign out
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {others.length > 0 ? (
        <form action={signOutOtherSessions}>
          <p>
            <button type="submit" className="button" data-testid="revoke-others">
              Sign out all other devices
            </button>
          </p>
        </form>
      ) : (
        <p className="muted" data-testid="no-other-sessions">
          You are not signed in anywhere else.
        </p>
      )}
      {store.kind === "dynamodb" ? (
        <p className="muted">
          DynamoDB reads this list from a global secondary index, which is eventually consistent: a
          device that signed in a moment ago may show up a moment later.
        </p>
      ) : null}
    </section>
  );
}
