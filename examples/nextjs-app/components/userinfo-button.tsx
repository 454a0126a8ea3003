"use client";

import { useState } from "react";

/** Calls the app's /api/userinfo route, which calls the provider with the user's access token. */
export function UserinfoButton() {
  const [result, setResult] = useState<string>();
  const load = async () => {
    const response = await fetch("/api/userinfo", { cache: "no-store" });
    setResult(`${response.status} ${JSON.stringify(await response.json(), null, 2)}`);
  };
  return (
    <section className="card">
      <h2>Call an API with the access token</h2>
      <button className="button" type="button" onClick={load} data-testid="call-userinfo">
        GET /api/userinfo
      </button>
      {result ? <pre data-testid="userinfo-result">{result}</pre> : null}
    </section>
  );
}
