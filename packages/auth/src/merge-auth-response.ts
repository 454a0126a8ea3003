/**
 * Combines `auth.middleware(request)` with another middleware's response (i18n, headers…).
 * When sessionkit answered the request itself (an auth route, a redirect), that answer wins and
 * comes back as is. Otherwise its `Set-Cookie` headers (a rolled or cleared session) and its
 * `Cache-Control` are copied onto `appResponse`, which comes back. Call it last: a later
 * `appResponse.cookies.set()` rewrites the `Set-Cookie` headers from Next's own list.
 */
export function mergeAuthResponse<R extends Response>(
  authResponse: Response,
  appResponse: R,
): R | Response {
  if (!isPassThrough(authResponse)) return authResponse;
  const cookies = authResponse.headers.getSetCookie();
  for (const cookie of cookies) appResponse.headers.append("set-cookie", cookie);
  const cacheControl = authResponse.headers.get("cache-control");
  if (cookies.length > 0 && cacheControl !== null) {
    appResponse.headers.set("cache-control", cacheControl);
  }
  return appResponse;
}

/** Whether `auth.middleware` let the request through to the app (`NextResponse.next()`). */
export function isPassThrough(authResponse: Response): boolean {
  return authResponse.headers.has("x-middleware-next");
}
