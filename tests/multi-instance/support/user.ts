import type { DevProvider } from "@sessionkit/example-dev-provider";
import { browserFetch, CookieJar, form, location } from "./browser.ts";
import type { AppInstance } from "./instances.ts";

const INTERACTION_FORM = /<form method="post" action="(\/interaction\/[\w-]+\/(?:login|confirm))"/;

/**
 * One user with one browser: a cookie jar for the app (its session cookie works on every instance,
 * as behind a load balancer) and one for the provider (its login session, for ending it there).
 */
export class User {
  readonly app = new CookieJar();
  readonly #provider = new CookieJar();
  readonly #tab = browserFetch(this.#provider);

  constructor(
    readonly op: DevProvider,
    /** The public origin the instances share; the provider redirects back to it. */
    readonly appBaseUrl: string,
    readonly username = "alice",
  ) {}

  /** A request to `instance` with the app cookies as they are now; the jar is NOT updated. */
  send(instance: AppInstance, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const cookie = this.app.header();
    if (cookie !== undefined) headers.set("cookie", cookie);
    return fetch(`${instance.url}${path}`, { ...init, headers, redirect: "manual" });
  }

  /** {@link send}, then keeps the cookies the response sets. */
  async visit(instance: AppInstance, path: string, init: RequestInit = {}): Promise<Response> {
    const response = await this.send(instance, path, init);
    this.app.take(response);
    return response;
  }

  /** Signs in through `instance`'s login route, the provider's login and consent pages, and its callback. */
  async login(instance: AppInstance): Promise<void> {
    const start = await this.visit(instance, "/auth/login");
    const callbackUrl = await this.authorize(location(start, instance.url));
    // The provider sends the browser to the public origin: this instance takes it.
    const callback = await this.visit(instance, `${callbackUrl.pathname}${callbackUrl.search}`);
    if (callback.status !== 302 && callback.status !== 303) {
      throw new Error(`the callback answered ${callback.status}: ${await callback.text()}`);
    }
    if (!this.app.names().some((name) => name.startsWith("__session"))) {
      throw new Error(`the callback set no session cookie (cookies: ${this.app.names()})`);
    }
  }

  /**
   * Follows an authorization request through the provider's login and consent pages; answers the
   * URL on the app's public origin it finally redirects to (the callback, with `code` or `error`).
   */
  async authorize(authorizationUrl: URL): Promise<URL> {
    const password = this.op.users.find((user) => user.username === this.username)?.password;
    if (password === undefined) throw new Error(`no test user ${this.username}`);
    let next = authorizationUrl;
    for (let step = 0; step < 12; step++) {
      if (next.origin === new URL(this.appBaseUrl).origin) return next;
      let response = await this.#tab(next);
      if (response.status === 200) {
        const action = INTERACTION_FORM.exec(await response.text())?.[1];
        if (action === undefined) throw new Error(`no login or consent form at ${next}`);
        const fields: Record<string, string> = action.endsWith("/login")
          ? { username: this.username, password }
          : {};
        response = await this.#tab(new URL(action, next), form(fields));
      }
      next = location(response, next);
    }
    throw new Error("the login did not come back to the app within 12 redirects");
  }

  /** Ends the session at the provider ("Yes, sign me out"): it then sends a back-channel logout token. */
  async endProviderSession(): Promise<void> {
    const page = await this.#tab(`${this.op.issuer}/session/end`);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(await page.text())?.[1];
    if (xsrf === undefined) throw new Error(`no logout form at the provider (${page.status})`);
    const ended = await this.#tab(
      `${this.op.issuer}/session/end/confirm`,
      form({ xsrf, logout: "yes" }),
    );
    if (ended.status !== 303)
      throw new Error(`ending the provider session answered ${ended.status}`);
  }
}
