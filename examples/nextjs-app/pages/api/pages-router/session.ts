import type { NextApiRequest, NextApiResponse } from "next";
import { getPagesAuth } from "../../../lib/pages-auth";

/**
 * The signed-in user, from a Pages Router API route. `proxy.ts` does not run for
 * /api/pages-router/* (like apps whose middleware skips `/api`), so this route is where a bad
 * session cookie gets cleared: `getSession(req, res)` writes the deletions onto `res`.
 */
export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const auth = await getPagesAuth();
  const session = await auth.getSession(req, res);
  res.setHeader("cache-control", "private, no-store");
  if (!session) {
    res.status(401).json({ error: "not signed in" });
    return;
  }
  res.status(200).json({ user: session.user });
}
