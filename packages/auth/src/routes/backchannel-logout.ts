import { verifyLogoutToken } from "../oidc/logout-token.js";
import { describeFailure, jsonError, jsonResponse } from "./responses.js";
import type { AuthRoute, OidcRouteContext } from "./types.js";

/**
 * `POST routes.backchannelLogout` (OIDC Back-Channel Logout 1.0): verifies the logout token (see
 * `verifyLogoutToken`), claims its `jti`, then `sessionStore.deleteByLogoutToken`. A bad request or
 * token: 400 (405 for another method) with a short reason and no session touched. With stateless
 * cookie sessions there is nothing server-side to end: 501.
 */
export function backchannelLogoutRoute(context: OidcRouteContext): AuthRoute {
  const { config, oidc, replayStore, core } = context;
  const store = core.store;
  return async function sessionkitBackchannelLogout(request) {
    if (!store) {
      return jsonError(
        501,
        "not_implemented",
        "back-channel logout needs a sessionStore: stateless cookie sessions cannot be ended from the server",
      );
    }
    try {
      const { iss, sid, sub, jti } = await verifyLogoutToken(request, oidc, { replayStore });
      const claims = {
        iss,
        ...(sid === undefined ? {} : { sid }),
        ...(sub === undefined ? {} : { sub }),
      };
      let count: number;
      try {
        count = await store.deleteByLogoutToken(claims);
      } catch (error) {
        // The provider retries a failed delivery: its retry must not be refused as a replay.
        await replayStore.releaseLogoutToken(jti).catch((releaseError: unknown) => {
          config.logger.error("sessionkit: releasing a logout token claim failed", releaseError);
        });
        throw error;
      }
      core.emit({ type: "ended", reason: "back-channel-logout", count, ...claims });
      return jsonResponse(200, {});
    } catch (error) {
      const { status, reason } = describeFailure(error);
      if (status >= 500) config.logger.error("sessionkit: back-channel logout failed", error);
      const response = jsonError(
        status,
        status < 500
          ? "invalid_request"
          : status === 500
            ? "server_error"
            : "temporarily_unavailable",
        reason,
      );
      if (status === 405) response.headers.set("allow", "POST");
      return response;
    }
  };
}
