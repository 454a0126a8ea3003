// The provider's HTML: self-contained (no external fonts or scripts), so it
// renders offline and in a locked-down headless browser.

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}
main{max-width:380px;margin:48px auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.25rem;margin:0 0 4px}p.sub{color:#5b6475;margin:0 0 18px;font-size:.9rem}
label{display:block;font-size:.85rem;margin:12px 0 4px}
input{width:100%;box-sizing:border-box;padding:8px;border:1px solid #c4c9d4;border-radius:4px;font-size:1rem}
button{width:100%;margin-top:16px;padding:10px;border:0;border-radius:4px;background:#2f5bd3;color:#fff;font-size:1rem;cursor:pointer}
button.secondary{background:#e4e7ee;color:#1d2330}
.error{background:#fde8e8;color:#8a1c1c;padding:8px;border-radius:4px;font-size:.9rem}
table{width:100%;border-collapse:collapse;font-size:.85rem;margin-top:18px}td,th{text-align:left;padding:4px;border-top:1px solid #e4e7ee}
ul{padding-left:20px}code{background:#eef0f4;padding:1px 4px;border-radius:3px}
`;

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(value) {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A whole page around `body` (already HTML). */
export function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · sessionkit dev provider</title>
<style>${STYLE}</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

/** The sign-in form, with the test users and their passwords listed under it. */
export function loginPage({ uid, clientId, users, error, username }) {
  const rows = users
    .map(
      (user) =>
        `<tr><td><code>${escapeHtml(user.username)}</code></td><td><code>${escapeHtml(user.password)}</code></td><td>${escapeHtml(user.claims.name)}</td></tr>`,
    )
    .join("");
  return page(
    "Sign in",
    `<h1>Sign in</h1>
<p class="sub">to <strong>${escapeHtml(clientId)}</strong> at the sessionkit dev provider</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" required autofocus value="${escapeHtml(username ?? "")}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<form method="get" action="/interaction/${escapeHtml(uid)}/abort"><button class="secondary" type="submit">Cancel</button></form>
<table><thead><tr><th>User</th><th>Password</th><th>Name</th></tr></thead><tbody>${rows}</tbody></table>`,
  );
}

/** The consent form: what the app asks for, allow or deny. */
export function consentPage({ uid, clientId, username, scopes, claims }) {
  const items = [...scopes, ...claims.map((claim) => `claim: ${claim}`)]
    .map((item) => `<li><code>${escapeHtml(item)}</code></li>`)
    .join("");
  return page(
    "Allow access",
    `<h1>Allow access?</h1>
<p class="sub">Signed in as <strong>${escapeHtml(username)}</strong></p>
<p><strong>${escapeHtml(clientId)}</strong> asks for:</p>
<ul>${items || "<li>nothing new</li>"}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
<form method="get" action="/interaction/${escapeHtml(uid)}/abort"><button class="secondary" type="submit">Deny</button></form>`,
  );
}

/** The end-session confirmation; `form` is the provider's hidden form (with its CSRF token). */
export function logoutPage({ host, form }) {
  return page(
    "Sign out",
    `<h1>Sign out?</h1>
<p class="sub">This ends your session at ${escapeHtml(host)} and tells every app you signed in to (back-channel logout).</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  );
}

/** Shown after a logout without a `post_logout_redirect_uri`. */
export function loggedOutPage() {
  return page(
    "Signed out",
    `<h1>Signed out</h1><p class="sub">Your session at the provider has ended.</p>`,
  );
}

/** An error page; only the OAuth error code and description, never a token. */
export function errorPage(fields) {
  const rows = Object.entries(fields)
    .map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join("");
  return page("Error", `<h1>Something went wrong</h1><table>${rows}</table>`);
}
