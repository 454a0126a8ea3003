import type { SessionData } from "@sessionkit/auth";
import type { GetServerSideProps } from "next";
import Head from "next/head";
import { useState } from "react";
import { getPagesAuth } from "../lib/pages-auth";

interface Props {
  user: SessionData["user"];
  sessionExpiresAt: string;
}

/**
 * The Pages Router's guard: `getSession(ctx.req, ctx.res)` reads the session (clearing a bad
 * cookie on `ctx.res`); without one, off to the login, back here afterwards.
 */
export const getServerSideProps: GetServerSideProps<Props> = async (ctx) => {
  const auth = await getPagesAuth();
  const session = await auth.getSession(ctx.req, ctx.res);
  if (!session) {
    const returnTo = encodeURIComponent(ctx.resolvedUrl);
    return { redirect: { destination: `/auth/login?returnTo=${returnTo}`, permanent: false } };
  }
  return {
    props: {
      user: session.user,
      sessionExpiresAt: new Date(session.internal.expiresAt).toISOString(),
    },
  };
};

/** A Pages Router page: the session from getServerSideProps, and an API route using the access token. */
export default function PagesRouterPage({ user, sessionExpiresAt }: Props) {
  const [result, setResult] = useState<string>();
  const call = async (refresh: boolean) => {
    const response = await fetch(`/api/pages-router/userinfo${refresh ? "?refresh=1" : ""}`, {
      cache: "no-store",
    });
    setResult(`${response.status} ${JSON.stringify(await response.json(), null, 2)}`);
  };
  return (
    <>
      <Head>
        <title>Pages Router · sessionkit demo</title>
      </Head>
      <header>
        <strong>sessionkit demo</strong>
        <a href="/">Home</a>
        <a href="/profile">Profile (App Router)</a>
        <span className="spacer" />
        <a href="/auth/logout" data-testid="logout">
          Log out
        </a>
      </header>
      <main>
        <h1>Pages Router</h1>
        <section className="card">
          <h2>getServerSideProps</h2>
          <p>
            Signed in as{" "}
            <strong data-testid="pages-user-name">{String(user.name ?? user.sub)}</strong> (
            <code data-testid="pages-user-sub">{user.sub}</code>); the session ends at{" "}
            <time dateTime={sessionExpiresAt}>{sessionExpiresAt}</time> unless used again.
          </p>
        </section>
        <section className="card">
          <h2>An API route with getAccessToken(req, res)</h2>
          <button
            className="button"
            type="button"
            onClick={() => call(false)}
            data-testid="pages-call-userinfo"
          >
            GET /api/pages-router/userinfo
          </button>{" "}
          <button
            className="button"
            type="button"
            onClick={() => call(true)}
            data-testid="pages-refresh-userinfo"
          >
            …with a refresh
          </button>
          {result ? <pre data-testid="pages-userinfo-result">{result}</pre> : null}
        </section>
      </main>
    </>
  );
}
