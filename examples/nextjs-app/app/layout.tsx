import { SessionProvider } from "@sessionkit/auth/client";
import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { getAuth } from "../lib/auth";
import { getSession } from "../lib/session";
import "./globals.css";

// Cache Components: every page here reads the request's session, so the app renders per
// request, blocking, as before (Next's opt-out of the static shell). The library needs no more.
export const instant = false;

export const metadata: Metadata = {
  title: "sessionkit demo",
  description: "OpenID Connect login with pluggable session storage",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page depends on the request's session: render per request, never at build time.
  await connection();
  const { store } = await getAuth();
  const session = await getSession();
  return (
    <html lang="en">
      <body>
        <header>
          <strong>sessionkit demo</strong>
          <a href="/">Home</a>
          <a href="/profile">Profile</a>
          <a href="/sessions" data-testid="nav-sessions">
            Your sessions
          </a>
          <a href="/store">Session store</a>
          <span className="spacer" />
          <span className="muted" data-testid="store-kind">
            store: {store.kind}
          </span>
          {session ? (
            // Plain links, not <Link>: the auth routes are full-page navigations, never prefetched.
            <a href="/auth/logout" data-testid="logout">
              Log out
            </a>
          ) : (
            <a href="/auth/login" data-testid="login">
              Log in
            </a>
          )}
        </header>
        <SessionProvider user={session?.user ?? null}>
          <main>{children}</main>
        </SessionProvider>
      </body>
    </html>
  );
}
