import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionProvider, useUser } from "../src/client/index.js";
import { fetchProfile } from "../src/client/use-profile.js";

let base = "";
const server = createServer((request, response) => {
  if (request.url === "/signed-in") {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ sub: "alice", name: "Alice" }));
  } else if (request.url === "/signed-out") {
    response.writeHead(401).end();
  } else {
    response.writeHead(500).end();
  }
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function Name() {
  const { user, isLoading } = useUser();
  return <span>{isLoading ? "loading" : String(user?.name ?? "anonymous")}</span>;
}

describe("@sessionkit/auth/client", () => {
  it("renders the server-provided user before anything loads", () => {
    const html = renderToString(
      <SessionProvider user={{ sub: "alice", name: "Alice" }}>
        <Name />
      </SessionProvider>,
    );
    expect(html).toContain("Alice");
    expect(
      renderToString(
        <SessionProvider user={null}>
          <Name />
        </SessionProvider>,
      ),
    ).toContain("anonymous");
  });

  it("reads the profile route: 200 is a user, 401 is signed out, others fail", async () => {
    expect(await fetchProfile(`${base}/signed-in`)).toEqual({ sub: "alice", name: "Alice" });
    expect(await fetchProfile(`${base}/signed-out`)).toBeNull();
    await expect(fetchProfile(`${base}/broken`)).rejects.toThrow(/500/);
  });
});
