import { createAuth } from "@sessionkit/auth";
import { NextRequest } from "next/server.js";

/**
 * Whether @sessionkit/auth's middleware serves the OIDC routes yet (issue 3): its
 * profile route answers 401 without a session, where an unwired middleware lets
 * the request through. Checked in-process, without any server.
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
  return response.status === 401;
}
