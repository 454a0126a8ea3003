import { createAuth } from "@sessionkit/auth";
import { NextRequest } from "next/server.js";

/**
 * Whether @sessionkit/auth's middleware serves the OIDC routes yet (issue 3): an
 * unwired middleware lets `/auth/profile` through to the app (`NextResponse.next()`,
 * marked `x-middleware-next`), a wired one answers it itself. Checked in-process,
 * without any server.
 */
export async function oidcRoutesWired(): Promise<boolean> {
  const auth = createAuth({
    secret: "a-probe-secret-that-is-long-enough-0000000",
    issuer: "http://127.0.0.1:9",
    clientId: "probe",
    clientSecret: "probe-secret",
    appBaseUrl: "http://localhost:3000",
    env: {},
  });
  const response = await auth.middleware(new NextRequest("http://localhost:3000/auth/profile"));
  return response.headers.get("x-middleware-next") === null;
}
