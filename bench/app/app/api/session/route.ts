import { bench } from "@bench/auth";

export const dynamic = "force-dynamic";

/** The session's user, or 401: the load driver checks status and marker on every response. */
export async function GET() {
  const user = await bench.readUser();
  if (!user) return Response.json({ marker: "no-session" }, { status: 401 });
  return Response.json({ marker: `session-ok:${user.sub}` });
}
