/** A cookie jar: name → value, updated from `Set-Cookie` lines (an empty or expired one deletes). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** The `Cookie` header for every cookie held, or `undefined` when empty. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  names(): string[] {
    return [...this.#cookies.keys()];
  }

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === "" || /max-age=0(?:;|$)|expires=thu, 01 jan 1970/i.test(line)) {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }
}

/** fetch with `jar`'s cookies and no automatic redirects, like one browser tab. */
export function browserFetch(jar: CookieJar) {
  return async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = jar.header();
    if (cookie !== undefined) headers.set("cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    jar.take(response);
    return response;
  };
}

/** A form-encoded POST body. */
export function form(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  };
}

/** Where a redirect points, absolute; throws with the status when it is not one. */
export function location(response: Response, base: string | URL): URL {
  const target = response.headers.get("location");
  if (target === null) {
    throw new Error(`expected a redirect from ${base}, got ${response.status}`);
  }
  return new URL(target, base);
}
