import * as oauth from "oauth4webapi";
import type { OidcConfig } from "./config.js";

/** The oauth4webapi client metadata of `config`. */
export function oauthClient(config: OidcConfig): oauth.Client {
  return {
    client_id: config.clientId,
    id_token_signed_response_alg: config.idTokenSigningAlg,
    [oauth.clockTolerance]: config.clockTolerance,
  };
}

/** The token endpoint authentication of `config`. */
export function clientAuthentication(config: OidcConfig): oauth.ClientAuth {
  switch (config.clientAuthMethod) {
    case "client_secret_post":
      return oauth.ClientSecretPost(config.clientSecret ?? "");
    case "private_key_jwt": {
      const key = config.clientAssertionKey!;
      return oauth.PrivateKeyJwt(key.kid === undefined ? key.key : { key: key.key, kid: key.kid });
    }
    case "none":
      return oauth.None();
    default:
      return oauth.ClientSecretBasic(config.clientSecret ?? "");
  }
}
