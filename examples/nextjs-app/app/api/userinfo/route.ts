import { AuthError, isOidcError } from "@sessionkit/auth";
import { connection } from "next/server";
import { getAuth } from "../../../lib/auth";

const noStore = { "cache-control": "private, no-store" };

const fail = (status: number, error: string) =>
  Response.json({ error }, { status, headers: noStore });

async function discoverUserinfoEndpoint(issuer: string): Promise<string> {
  const response = await fetch(
    new URL(".well-known/openid-configuration", `${issuer.replace(/\/?$/, "/")}`),
    { signal: AbortSignal.timeout(5000) },
  );
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const metadata = (await response.json()) as { userinfo_endpoint?: string };
  if (!metadata.userinfo_endpoint) throw new Error("the provider has no userinfo endpoint");
  return metadata.userinfo_endpoint;
}

// One discovery fetch per issuer and process, not one per call; a failed one is tried again.
const userinfoEndpoints = new Map<string, Promise<string>>();

function userinfoEndpoint(issuer: string): Promise<string> {
  let endpoint = userinfoEndpoints.get(issuer);
  if (endpoint === undefined) {
    endpoint = discoverUserinfoEndpoint(issuer);
    endpoint.catch(() => userinfoEndpoints.delete(issuer));
    userinfoEndpoints.set(issuer, endpoint);
  }
  return endpoint;
}

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

  let response: Response;
  try {
    response = await fetch(await userinfoEndpoint(session.internal.iss), {
      headers: { authorization: `Bearer ${accessToken.token}` },
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // The provider is down or too slow: a gateway error, not a crash.
    return fail(502, "provider_unavailable");
  }
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
