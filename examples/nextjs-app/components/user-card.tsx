"use client";

import { useUser } from "@sessionkit/auth/client";

/** The signed-in user as the browser sees it, through useUser(). */
export function UserCard() {
  const { user, isLoading, error } = useUser();
  return (
    <section className="card">
      <h2>In the browser</h2>
      <p className="muted">A client component using useUser() from @sessionkit/auth/client.</p>
      {isLoading ? <p>Loading…</p> : null}
      {error ? <p>Could not load the profile: {error.message}</p> : null}
      {user ? (
        <p data-testid="client-user">
          {String(user.name ?? user.sub)} ({String(user.email ?? "no email")})
        </p>
      ) : null}
      {user === null ? <p data-testid="client-signed-out">Not signed in.</p> : null}
    </section>
  );
}
