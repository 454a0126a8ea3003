import * as api from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors.js";
import { createTelemetry } from "../../src/telemetry/index.js";
import { type Recorder, startRecording } from "./otel.js";

describe("traceRoute with an OpenTelemetry SDK", () => {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = startRecording();
  });
  afterEach(async () => {
    await recorder.stop();
  });

  it("records the route span with HTTP attributes and never the query string", async () => {
    const telemetry = createTelemetry();
    const request = new Request(
      "https://app.example/auth/callback?code=code-9c1e77&state=state-41ab02&iss=x",
    );
    const response = new Response(null, { status: 302 });
    expect(await telemetry.traceRoute("callback", request, async () => response)).toBe(response);

    const [span] = recorder.spans();
    expect(span!.name).toBe("sessionkit callback");
    expect(span!.kind).toBe(api.SpanKind.INTERNAL);
    expect(span!.attributes).toEqual({
      "sessionkit.route": "callback",
      "http.request.method": "GET",
      "http.route": "/auth/callback",
      "http.response.status_code": 302,
    });
    expect(span!.status.code).toBe(api.SpanStatusCode.UNSET);
    const text = JSON.stringify(recorder.spans().map((s) => [s.name, s.attributes, s.events]));
    expect(text).not.toContain("code-9c1e77");
    expect(text).not.toContain("state-41ab02");
  });

  it("parents the store spans of the handler under the route span", async () => {
    const telemetry = createTelemetry();
    const store = telemetry.instrumentStore({ get: async (_id: string) => null }, "memory");
    await telemetry.traceRoute(
      "profile",
      new Request("https://app.example/auth/profile"),
      async () => {
        await store.get("id-1");
        return new Response(null, { status: 204 });
      },
    );
    const [storeSpan, routeSpan] = recorder.spans();
    expect(storeSpan!.name).toBe("sessionkit.store get");
    expect(routeSpan!.name).toBe("sessionkit profile");
    expect(storeSpan!.parentSpanContext?.spanId).toBe(routeSpan!.spanContext().spanId);
  });

  it("marks a 5xx answer and a thrown error as errors, and rethrows", async () => {
    const telemetry = createTelemetry();
    await telemetry.traceRoute(
      "backchannelLogout",
      new Request("https://app.example/auth/backchannel-logout", { method: "POST", body: "x" }),
      async () => new Response(null, { status: 503 }),
    );
    const failure = new AuthError("AUTH_INTERNAL_ERROR", "bug");
    await expect(
      telemetry.traceRoute(
        "login",
        new Request("https://app.example/auth/login?returnTo=/secret"),
        async () => {
          throw failure;
        },
      ),
    ).rejects.toBe(failure);

    const [logout, login] = recorder.spans();
    expect(logout!.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.response.status_code": 503,
      "error.type": "503",
    });
    expect(logout!.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(login!.attributes).toMatchObject({
      "http.route": "/auth/login",
      "error.type": "AUTH_INTERNAL_ERROR",
    });
    expect(login!.attributes["http.response.status_code"]).toBeUndefined();
    expect(login!.status).toEqual({
      code: api.SpanStatusCode.ERROR,
      message: "AUTH_INTERNAL_ERROR",
    });
  });

  it("records an unusual method as _OTHER", async () => {
    await createTelemetry().traceRoute(
      "logout",
      new Request("https://app.example/auth/logout", { method: "PROPFIND" }),
      async () => new Response(null, { status: 405 }),
    );
    expect(recorder.spans()[0]!.attributes["http.request.method"]).toBe("_OTHER");
  });
});

describe("session and refresh metrics with an OpenTelemetry SDK", () => {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = startRecording();
  });
  afterEach(async () => {
    await recorder.stop();
  });

  it("counts lifecycle events, ended ones by reason", async () => {
    const telemetry = createTelemetry();
    telemetry.sessionEvent("created");
    telemetry.sessionEvent("created");
    telemetry.sessionEvent("rolled");
    telemetry.sessionEvent("refreshed");
    telemetry.sessionEvent("ended", "sign-out");
    telemetry.sessionEvent("ended", "back-channel-logout", 3);
    telemetry.sessionEvent("ended", "sign-out");

    const points = (await recorder.points()).filter((p) => p.name.startsWith("sessionkit.session"));
    const summary = points.map((p) => [p.name, p.unit, p.attributes, p.value]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ["sessionkit.session.created", "{session}", {}, 2],
        ["sessionkit.session.rolled", "{session}", {}, 1],
        ["sessionkit.session.refreshed", "{session}", {}, 1],
        [
          "sessionkit.session.ended",
          "{session}",
          { "sessionkit.session.end_reason": "sign-out" },
          2,
        ],
        [
          "sessionkit.session.ended",
          "{session}",
          { "sessionkit.session.end_reason": "back-channel-logout" },
          3,
        ],
      ]),
    );
    expect(points).toHaveLength(5);
  });

  it("counts refreshes by outcome", async () => {
    const telemetry = createTelemetry();
    telemetry.refreshOutcome("refreshed");
    telemetry.refreshOutcome("reused");
    telemetry.refreshOutcome("reused");
    telemetry.refreshOutcome("failed");
    const points = (await recorder.points()).filter((p) => p.name === "sessionkit.refresh");
    expect(
      Object.fromEntries(points.map((p) => [p.attributes["sessionkit.refresh.outcome"], p.value])),
    ).toEqual({ refreshed: 1, reused: 2, failed: 1 });
    expect(points[0]!.unit).toBe("{refresh}");
  });

  it("records through an explicitly passed @opentelemetry/api module", async () => {
    createTelemetry({ api }).sessionEvent("created");
    const points = await recorder.points();
    expect(points.map((p) => [p.name, p.value])).toEqual([["sessionkit.session.created", 1]]);
  });
});
