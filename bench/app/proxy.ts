import { bench } from "@bench/auth";
import { type NextRequest, NextResponse } from "next/server";

/** Every request but static assets goes through the library's middleware (rolling included). */
export function proxy(request: NextRequest) {
  // The bench's second floor: what running a proxy at all costs, without the library.
  if (request.nextUrl.pathname === "/api/proxy-only") return NextResponse.next();
  return bench.proxy(request);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/none).*)"],
};
