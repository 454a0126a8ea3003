import { connection } from "next/server";
import { getAuth } from "../../lib/auth";

const ABOUT = {
  cookie:
    "Stateless: the whole session is an encrypted cookie. Nothing to run; back-channel logout is not possible (there is nothing server-side to end).",
  redis:
    "Stateful: the cookie holds a sealed random id; the session lives in Redis with indexes by provider session and user for back-channel logout.",
  prisma:
    "Stateful: the session lives in a PostgreSQL table through the app's Prisma client, indexed for back-channel logout.",
  dynamodb:
    "Stateful: the session lives in a DynamoDB table with global secondary indexes for back-channel logout.",
} as const;

export default async function StorePage() {
  await connection(); // the store is the running server's, not the build's
  const { store } = await getAuth();
  return (
    <section className="card">
      <h1>
        Session store: <span data-testid="store-name">{store.kind}</span>
      </h1>
      <p>{ABOUT[store.kind]}</p>
      <table>
        <tbody>
          {Object.entries(store.details).map(([key, value]) => (
            <tr key={key}>
              <th>{key}</th>
              <td>
                <code>{value}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Choose with <code>SESSION_STORE=cookie|redis|prisma|dynamodb</code> (see the README).
      </p>
    </section>
  );
}
