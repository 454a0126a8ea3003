import { getSession } from "../lib/session";

export default async function HomePage() {
  const session = await getSession();
  const name = session ? String(session.user.name ?? session.user.sub) : undefined;

  return (
    <>
      <section className="card">
        <h1>Welcome</h1>
        {session ? (
          <>
            <p data-testid="signed-in">
              Signed in as <strong data-testid="user-name">{name}</strong>.
            </p>
            <p>
              <a className="button" href="/profile">
                Your profile
              </a>{" "}
              <a className="button secondary" href="/auth/logout">
                Log out
              </a>
            </p>
          </>
        ) : (
          <>
            <p data-testid="signed-out">You are not signed in.</p>
            <p>
              <a className="button" href="/auth/login?returnTo=/profile">
                Log in
              </a>
            </p>
            <p className="muted">
              The local provider&apos;s test users: <code>alice</code> / <code>wonderland</code>,{" "}
              <code>bob</code> / <code>builder</code>, <code>carol</code> / <code>singer</code>.
            </p>
          </>
        )}
      </section>
      <section className="card">
        <h2>What this shows</h2>
        <ul>
          <li>
            <code>proxy.ts</code> hands every request to <code>auth.middleware</code>: it serves{" "}
            <code>/auth/*</code>, rolls the session and clears unreadable cookies.
          </li>
          <li>
            <a href="/profile">/profile</a> is a server component reading{" "}
            <code>auth.getSession()</code>, with a client component using <code>useUser()</code>.
          </li>
          <li>
            <a href="/api/userinfo">/api/userinfo</a> is a route handler calling the provider&apos;s
            userinfo API with <code>auth.getAccessToken()</code>.
          </li>
          <li>
            <a href="/sessions">/sessions</a> lists where you are signed in (
            <code>auth.listSessions()</code>) and signs other devices out (
            <code>auth.revokeSession(id)</code>, <code>auth.revokeOtherSessions()</code>) with a
            stateful store.
          </li>
          <li>
            <a href="/store">/store</a> shows which session store this instance uses.
          </li>
        </ul>
      </section>
    </>
  );
}
