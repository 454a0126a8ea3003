import { bench } from "@bench/auth";

// Read on every request: the page is the library's session read plus a server render.
export const dynamic = "force-dynamic";

export default async function Page() {
  const user = await bench.readUser();
  return (
    <main>
      <h1>bench</h1>
      {/* The load driver checks this marker, with the user it sent, on every response. */}
      <p>{user ? `session-ok:${user.sub}` : "no-session"}</p>
    </main>
  );
}
