import type { NextRequest } from "next/server";
import { getAuth } from "./lib/auth";

/** Every request but static assets goes through sessionkit: auth routes, rolling, bad-cookie cleanup. */
export async function proxy(request: NextRequest) {
  const { auth } = await getAuth();
  return auth.middleware(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
