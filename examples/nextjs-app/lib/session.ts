import type { SessionData } from "@sessionkit/auth";
import { connection } from "next/server";
import { cache } from "react";
import { getAuth } from "./auth";

/**
 * The request's session for server components. The layout and the page both need it:
 * `cache` makes that one cookie open (and one store read) per request, not one each.
 */
export const getSession = cache(async (): Promise<SessionData | null> => {
  // getAuth() makes the store from the server's env: never at build time (Cache Components
  // prerender each page). auth.getSession() alone would need no connection().
  await connection();
  const { auth } = await getAuth();
  return auth.getSession();
});
