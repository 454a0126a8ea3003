import { isPassThrough, mergeAuthResponse } from "@sessionkit/auth";
import { type NextRequest, NextResponse } from "next/server";
import { getAuth } from "./lib/auth";

// Pages that need a session. With Cache Components a page streams, so its own redirect() would
// follow a 200; a signed-out request is sent to the login here instead, with a real 307.
const PROTECTED = new Set(["/profile", "/sessions"]);

/** Every request but static assets goes through sessionkit: auth routes, rolling, bad-cookie cleanup. */
export async function proxy(request: NextRequest) {
  const { auth } = await getAuth();
  const response = await auth.middleware(request);
  const path = request.nextUrl.pathname;
  if (isPassThrough(response) && PROTECTED.has(path) && !(await auth.getSession(request))) {
    const login = NextResponse.redirect(new URL(`/auth/login?returnTo=${path}`, request.url), 307);
    // The middleware's Set-Cookie (a bad cookie cleared) rides on the redirect.
    return mergeAuthResponse(response, login);
  }
  return response;
}

export const config = {
  // Not /api/pages-router/*: those Pages Router API routes show an app whose middleware skips
  // its API routes, where getSession(req, res) clears a bad cookie itself.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/pages-router/).*)"],
};
