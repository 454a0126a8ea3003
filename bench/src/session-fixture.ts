// One session, sealed by both libraries, about 2.9 KB as a cookie.
const b64 = (bytes: number, seed: number) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let out = "";
  for (let i = 0; i < bytes; i++) out += alphabet[(i * 31 + seed * 17) % 64];
  return out;
};
const jwt = (payloadChars: number, seed: number) =>
  `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${b64(payloadChars, seed)}.${b64(342, seed + 1)}`;

const now = Date.now();

export const user = {
  sub: "auth0|64f1c2a9e4b0d3f5a7c8e9b1",
  name: "Ada Lovelace",
  nickname: "ada",
  given_name: "Ada",
  family_name: "Lovelace",
  picture: "https://cdn.example.com/avatars/ada-lovelace-profile-picture-large.png",
  email: "ada.lovelace@example.com",
  email_verified: true,
  org_id: "org_8fJ2kLm9Qz",
};

export const tokens = {
  accessToken: jwt(380, 1),
  idToken: jwt(330, 2),
  refreshToken: b64(64, 3),
  scope: "openid profile email offline_access",
};

/** The session as sessionkit holds it (times in milliseconds). */
export const sessionkitSession = {
  user,
  tokenSet: { ...tokens, expiresAt: now + 3_600_000, tokenType: "Bearer" },
  internal: {
    iss: "https://example.auth0.com/",
    sid: "c7Yp1oQk3vZr8TnWmX2sLa",
    createdAt: now,
    expiresAt: now + 86_400_000,
  },
};

/** The same session as @auth0/nextjs-auth0 v4 holds it (times in seconds). */
export const nextjsAuth0Session = {
  user,
  tokenSet: {
    ...tokens,
    expiresAt: Math.floor(now / 1000) + 3600,
    token_type: "Bearer",
  },
  internal: { sid: "c7Yp1oQk3vZr8TnWmX2sLa", createdAt: Math.floor(now / 1000) },
};

export const secret = "bench-secret-0123456789abcdef0123456789abcdef";
export const appBaseUrl = "https://app.example.com";
