import { isAuthError, isOidcError } from "@sessionkit/auth";
import type { NextApiRequest, NextApiResponse } from "next";
import { getPagesAuth } from "../../../lib/pages-auth";
import { fetchUserinfo } from "../../../lib/provider-userinfo";

/**
 * The provider's userinfo for the signed-in user, fetched with their access token from a Pages
 * Router API route. `getAccessToken(req, res)` refreshes an expired (or, with `?refresh=1`, any)
 * token and writes the refreshed session onto `res`.
 */
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const auth = await getPagesAuth();
  res.setHeader("cache-control", "private, no-store");
  const session = await auth.getSession(req, res);
  if (!session) {
    res.status(401).json({ error: "not signed in" });
    return;
  }
  let accessToken: Awaited<ReturnType<typeof auth.getAccessToken>>;
  try {
    accessToken = await auth.getAccessToken(req, res, { refresh: req.query.refresh === "1" });
  } catch (error) {
    // The provider refused the refresh token (401: sign in again) or is down (502).
    if (isOidcError(error)) return void res.status(error.status).json({ error: error.code });
    if (isAuthError(error, "AUTH_STORE_UNAVAILABLE")) {
      return void res.status(503).json({ error: error.code });
    }
    throw error;
  }
  if (!accessToken) return void res.status(401).json({ error: "no access token" });

  const answer = await fetchUserinfo(session.internal.iss, accessToken.token);
  if (!answer) return void res.status(502).json({ error: "provider_unavailable" });
  res.status(answer.status === 200 ? 200 : 502).json({
    ...answer,
    accessTokenExpiresAt: accessToken.expiresAt
      ? new Date(accessToken.expiresAt).toISOString()
      : null,
  });
}
