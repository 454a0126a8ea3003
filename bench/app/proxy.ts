import { bench } from "@bench/auth";
import type { NextRequest } from "next/server";

/** Every request but static assets goes through the library's middleware (rolling included). */
export function proxy(request: NextRequest) {
  return bench.proxy(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/none).*)"],
};
