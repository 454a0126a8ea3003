import { isOidcError } from "@sessionkit/auth";
import { getAuth } from "../../../lib/auth";

const noStore = { "cache-control": "private, no-store" };

async function userinfoEndpoint(issuer: string): Promise<string> {
  const response = await fetch(
    new URL(".well-known/openid-configuration", `${issuer.replace(/\/?$/, "/")}`),
    { signal: AbortSignal.timeout(5000) },
  );
  const metadata = (await response.json()) as { userinfo_endpoint?: string };
  if (!metadata.userinfo_endpoint) throw new Error("the provider has no userinfo endpoint");
  return metadata.userinfo_endpoint;
}

/** The provider's userinfo for the signed-in user, fetched with their access token. */
export async function GET() {
  const { auth } = await getAuth();
  const session = await auth.getSession();
  if (!session) return Response.json({ error: "not signed in" }, { status: 401, headers: noStore });

  let accessToken: Awaited<ReturnType<typeof auth.getAccessToken>>;
  try {
    // Refreshed (and the session saved) when expired or about to be.
    accessToken = await auth.getAccessToken();
  } catch (error) {
    // The provider refused the refresh token (e.g. the session ended there): sign in again.
    if (isOidcError(error)) {
      return Response.json({ error: error.code }, { status: 401, headers: noStore });
    }
    throw error;
  }
  if (!accessToken) {
    return Response.json({ error: "no access token" }, { status: 401, headers: noStore });
  }

  const response = await fetch(await userinfoEndpoint(session.internal.iss), {
    headers: { authorization: `Bearer ${accessToken.token}` },
    signal: AbortSignal.timeout(5000),
  });
  const userinfo: unknown = await response.json().catch(() => null);
  return Response.json(
    {
      status: response.status,
      userinfo,
      accessTokenExpiresAt: accessToken.expiresAt
        ? new Date(accessToken.expiresAt).toISOString()
        : null,
    },
    { status: response.ok ? 200 : 502, headers: noStore },
  );
}
