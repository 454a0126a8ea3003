/** The provider's userinfo endpoint, from its discovery document. */
async function discoverUserinfoEndpoint(issuer: string): Promise<string> {
  const response = await fetch(
    new URL(".well-known/openid-configuration", `${issuer.replace(/\/?$/, "/")}`),
    { signal: AbortSignal.timeout(5000) },
  );
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const metadata = (await response.json()) as { userinfo_endpoint?: string };
  if (!metadata.userinfo_endpoint) throw new Error("the provider has no userinfo endpoint");
  return metadata.userinfo_endpoint;
}

// One discovery fetch per issuer and process, not one per call; a failed one is tried again.
const endpoints = new Map<string, Promise<string>>();

/** Calls the provider's userinfo API with `accessToken`; `null` when the provider cannot be reached. */
export async function fetchUserinfo(
  issuer: string,
  accessToken: string,
): Promise<{ status: number; userinfo: unknown } | null> {
  let endpoint = endpoints.get(issuer);
  if (endpoint === undefined) {
    endpoint = discoverUserinfoEndpoint(issuer);
    endpoint.catch(() => endpoints.delete(issuer));
    endpoints.set(issuer, endpoint);
  }
  try {
    const response = await fetch(await endpoint, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(5000),
    });
    return { status: response.status, userinfo: await response.json().catch(() => null) };
  } catch {
    return null;
  }
}
