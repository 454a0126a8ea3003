import { consentPage, errorPage, loginPage } from "./pages.js";
import { checkPassword, TEST_USERS } from "./users.js";

const ROUTE = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?\/?$/;
const MAX_FORM_BYTES = 16 * 1024;

async function readForm(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function sendHtml(response, status, html) {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(html);
}

/** Grants what the consent prompt says is missing, and answers the grant's id. */
async function grantMissing(provider, details) {
  const { prompt, grantId, session, params } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  const missing = prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
  }
  return grant.save();
}

/**
 * Serves the login and consent pages under `/interaction/:uid`. Answers whether
 * it handled the request; everything else belongs to the provider itself.
 */
export async function handleInteraction(provider, request, response) {
  const url = new URL(request.url ?? "/", "http://provider.invalid");
  const match = ROUTE.exec(url.pathname);
  if (!match) return false;
  const [, uid, action] = match;
  const method = request.method ?? "GET";

  try {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error("interaction mismatch");
    const clientId = details.params.client_id;

    if (action === undefined && method === "GET") {
      const html =
        details.prompt.name === "login"
          ? loginPage({ uid, clientId, users: TEST_USERS })
          : consentPage({
              uid,
              clientId,
              username: details.session?.accountId ?? "",
              scopes: details.prompt.details.missingOIDCScope ?? [],
              claims: details.prompt.details.missingOIDCClaims ?? [],
            });
      sendHtml(response, 200, html);
      return true;
    }

    if (action === "login" && method === "POST") {
      const form = await readForm(request);
      const username = form.get("username") ?? "";
      const user = checkPassword(username, form.get("password") ?? "");
      if (user === undefined) {
        const error = "Wrong username or password.";
        sendHtml(response, 401, loginPage({ uid, clientId, users: TEST_USERS, error, username }));
        return true;
      }
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: user.username } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }

    if (action === "confirm" && method === "POST") {
      await readForm(request);
      if (details.prompt.name !== "consent") throw new Error("no consent is pending");
      const grantId = await grantMissing(provider, details);
      await provider.interactionFinished(
        request,
        response,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return true;
    }

    if (action === "abort" && method === "GET") {
      await provider.interactionFinished(
        request,
        response,
        { error: "access_denied", error_description: "The user cancelled" },
        { mergeWithLastSubmission: false },
      );
      return true;
    }

    sendHtml(response, 405, errorPage({ error: "method_not_allowed" }));
    return true;
  } catch (error) {
    // An expired or unknown interaction (its cookie is gone): start again from the app.
    const description = error instanceof Error ? error.message : "unexpected error";
    sendHtml(
      response,
      400,
      errorPage({ error: "invalid_request", error_description: description }),
    );
    return true;
  }
}
