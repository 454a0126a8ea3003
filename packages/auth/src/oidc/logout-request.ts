import { OidcError } from "./oidc-error.js";

/** Options of {@link readLogoutTokenFromRequest}. */
export interface ReadLogoutTokenOptions {
  /** Largest body accepted, in bytes; a larger one is refused without reading it all. @default 65536 */
  maxBodyBytes?: number;
}

function invalid(reason: string, message: string, status = 400): OidcError {
  return new OidcError("OIDC_LOGOUT_REQUEST_INVALID", message, { reason, status });
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw invalid("body_too_large", `The body is larger than ${maxBytes} bytes`);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Stop the sender instead of buffering the rest.
      await reader.cancel().catch(() => undefined);
      throw invalid("body_too_large", `The body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The `logout_token` of a back-channel logout request, which must be a POST with an
 * `application/x-www-form-urlencoded` body of at most `maxBodyBytes` holding exactly one
 * `logout_token`. Throws `OIDC_LOGOUT_REQUEST_INVALID` (405 for another method, else 400).
 */
export async function readLogoutTokenFromRequest(
  request: Request,
  options: ReadLogoutTokenOptions = {},
): Promise<string> {
  const maxBytes = options.maxBodyBytes ?? 65_536;
  if (request.method !== "POST") {
    throw invalid("method_not_allowed", "Back-channel logout accepts only POST", 405);
  }
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw invalid("unsupported_media_type", "The body must be application/x-www-form-urlencoded");
  }
  const bytes = await readCapped(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid("malformed_body", "The body is not UTF-8");
  }
  const tokens = new URLSearchParams(text).getAll("logout_token");
  if (tokens.length === 0 || tokens[0] === "") {
    throw invalid("logout_token_missing", "The body has no logout_token");
  }
  if (tokens.length > 1) {
    throw invalid("logout_token_repeated", "The body has more than one logout_token");
  }
  return tokens[0]!;
}
