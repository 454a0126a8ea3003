import type { NextRequest } from "next/server";
import { getAuth } from "./lib/auth";

/** Every request but static assets goes through sessionkit: auth routes, rolling, bad-cookie cleanup. */
export async function proxy(request: NextRequest) {
  const { auth } = await getAuth();
  return auth.middleware(request);
}

export const config = {
  // Not /api/pages-router/*: those Pages Router API routes show an app whose middleware skips
  // its API routes, where getSession(req, res) clears a bad cookie itself.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/pages-router/).*)"],
};
