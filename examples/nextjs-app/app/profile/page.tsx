import { redirect } from "next/navigation";
import { UserCard } from "../../components/user-card";
import { UserinfoButton } from "../../components/userinfo-button";
import { getSession } from "../../lib/session";

const time = (epochMs: number | undefined) => (epochMs ? new Date(epochMs).toISOString() : "—");

export default async function ProfilePage() {
  const session = await getSession();
  if (!session) redirect("/auth/login?returnTo=/profile");

  const { user, internal, tokenSet } = session;
  return (
    <>
      <section className="card">
        <h1>
          Profile of <span data-testid="user-name">{String(user.name ?? user.sub)}</span>
        </h1>
        <p className="muted">Rendered on the server from auth.getSession().</p>
        <table>
          <tbody>
            {Object.entries(user).map(([claim, value]) => (
              <tr key={claim}>
                <th>{claim}</th>
                <td data-testid={`claim-${claim}`}>{String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>Session</h2>
        <table>
          <tbody>
            <tr>
              <th>issuer</th>
              <td>{internal.iss}</td>
            </tr>
            <tr>
              <th>provider session (sid)</th>
              <td data-testid="session-sid">{internal.sid ?? "—"}</td>
            </tr>
            <tr>
              <th>signed in</th>
              <td>{time(internal.createdAt)}</td>
            </tr>
            <tr>
              <th>session ends</th>
              <td>{time(internal.expiresAt)}</td>
            </tr>
            <tr>
              <th>access token expires</th>
              <td>{time(tokenSet.expiresAt)}</td>
            </tr>
            <tr>
              <th>refresh token</th>
              <td>{tokenSet.refreshToken ? "yes" : "no"}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <UserCard />
      <UserinfoButton />
    </>
  );
}
