import * as api from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAuth } from "../src/create-auth.js";
import { memoryStore } from "../src/store/memory-store.js";
import { requestWith, SECRET, setCookies } from "./helpers.js";
import { type Recorder, startRecording } from "./telemetry/otel.js";

// createAuth wires the telemetry module: store calls, routes and session events are recorded.
describe("createAuth with OpenTelemetry registered", () => {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = startRecording();
  });
  afterEach(async () => {
    await recorder.stop();
  });

  it("records a span per store call and counts sessions created and ended, never ids or tokens", async () => {
    const auth = createAuth({ secret: SECRET, sessionStore: memoryStore(), openTelemetry: api });
    const response = new Response(null);
    await auth.saveSession(requestWith({}), response, {
      user: { sub: "user-otel-1" },
      tokenSet: { accessToken: "at-otel-secret" },
      internal: { iss: "https://op.example/" },
    });
    const cookie = setCookies(response).get("__session")!.value;
    await auth.getSession(requestWith({ __session: cookie }));
    await auth.deleteSession(requestWith({ __session: cookie }), new Response(null));
    const names = recorder.spans().map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "sessionkit.store set",
        "sessionkit.store get",
        "sessionkit.store delete",
      ]),
    );
    const points = await recorder.points();
    const created = points.find((p) => p.name === "sessionkit.session.created");
    const ended = points.find((p) => p.name === "sessionkit.session.ended");
    expect(created?.value).toBe(1);
    expect(ended).toMatchObject({
      value: 1,
      attributes: { "sessionkit.session.end_reason": "sign-out" },
    });
    const text = JSON.stringify({ spans: recorder.spans().map((s) => s.attributes), points });
    expect(text).not.toMatch(/user-otel-1|at-otel-secret/);
    expect(text).not.toContain(cookie.slice(0, 20));
  });

  it("records nothing with openTelemetry: false", async () => {
    const auth = createAuth({ secret: SECRET, sessionStore: memoryStore(), openTelemetry: false });
    await auth.saveSession(requestWith({}), new Response(null), {
      user: { sub: "u" },
      tokenSet: {},
      internal: { iss: "https://op.example/" },
    });
    expect(recorder.spans()).toEqual([]);
  });
});
