import { AuthError, isOidcError } from "@sessionkit/auth";
import { connection } from "next/server";
import { getAuth } from "../../../lib/auth";
import { fetchUserinfo } from "../../../lib/provider-userinfo";

const noStore = { "cache-control": "private, no-store" };

const fail = (status: number, error: string) =>
  Response.json({ error }, { status, headers: noStore });

/** The provider's userinfo for the signed-in user, fetched with their access token. */
export async function GET() {
  // Cache Components would prerender this GET at build time: the store and env are the server's.
  await connection();
  const { auth } = await getAuth();
  const session = await auth.getSession();
  if (!session) return fail(401, "not signed in");

  let accessToken: Awaited<ReturnType<typeof auth.getAccessToken>>;
  try {
    // Refreshed (and the session saved) when expired or about to be.
    accessToken = await auth.getAccessToken();
  } catch (error) {
    // The provider refused the refresh token (401: sign in again) or is down (502).
    if (isOidcError(error)) return fail(error.status, error.code);
    if (error instanceof AuthError && error.code === "AUTH_STORE_UNAVAILABLE") {
      return fail(503, error.code);
    }
    throw error;
  }
  if (!accessToken) return fail(401, "no access token");

  const answer = await fetchUserinfo(session.internal.iss, accessToken.token);
  // The provider is down or too slow: a gateway error, not a crash.
  if (answer === null) return fail(502, "provider_unavailable");
  return Response.json(
    {
      status: answer.status,
      userinfo: answer.userinfo,
      accessTokenExpiresAt: accessToken.expiresAt
        ? new Date(accessToken.expiresAt).toISOString()
        : null,
    },
    { status: answer.status >= 200 && answer.status < 300 ? 200 : 502, headers: noStore },
  );
}
