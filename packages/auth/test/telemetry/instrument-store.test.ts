import * as api from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionStoreMethods } from "../../src/store/contract.js";
import { memoryStore } from "../../src/store/memory-store.js";
import { SessionStoreError } from "../../src/store/session-store-error.js";
import type { SessionData } from "../../src/store/types.js";
import { createTelemetry } from "../../src/telemetry/index.js";
import { type Recorder, startRecording } from "./otel.js";

const CONTRACT = [
  ...sessionStoreMethods,
  "claimLogoutToken",
  "releaseLogoutToken",
  "acquireRefreshLease",
  "releaseRefreshLease",
];

const ISS = "https://op.example";
const SECRETS = {
  id: "id-4f1c9e0b7d",
  sid: "sid-8a2d7c51",
  sub: "sub-alice-93e1",
  accessToken: "at-5b9e1d0c44",
  refreshToken: "rt-0e7a62f1b8",
  idToken: "idt-c3f09a7e21",
  jti: "jti-77b0c1d2e3",
  holder: "holder-1a2b3c",
};

const session = (): SessionData => ({
  user: { sub: SECRETS.sub, email: "alice@example.com" },
  tokenSet: {
    accessToken: SECRETS.accessToken,
    refreshToken: SECRETS.refreshToken,
    idToken: SECRETS.idToken,
  },
  internal: { iss: ISS, sid: SECRETS.sid, createdAt: Date.now(), expiresAt: Date.now() + 60_000 },
});
const later = () => ({ expiresAt: Date.now() + 60_000 });

/** Everything recorded, as text, to look for values that must never be there. */
async function recordedText(recorder: Recorder) {
  const spans = recorder.spans().map((span) => ({
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events,
  }));
  return JSON.stringify({ spans, points: await recorder.points() });
}

describe("instrumentStore with an OpenTelemetry SDK", () => {
  let recorder: Recorder;
  beforeEach(() => {
    recorder = startRecording();
  });
  afterEach(async () => {
    await recorder.stop();
  });

  it("records a span and a duration per memoryStore call, with store name and operation only", async () => {
    const store = createTelemetry().instrumentStore(memoryStore(), "memory");
    await store.set(SECRETS.id, session(), later());
    expect((await store.get(SECRETS.id))?.user.sub).toBe(SECRETS.sub);
    expect(await store.update(SECRETS.id, session(), later())).toBe(true);
    expect(await store.touch(SECRETS.id, later())).toBe(true);
    expect(await store.listSessions({ iss: ISS, sub: SECRETS.sub })).toHaveLength(1);
    expect(await store.claimLogoutToken!(SECRETS.jti, Date.now() + 60_000)).toBe(true);
    await store.releaseLogoutToken!(SECRETS.jti);
    expect(await store.acquireRefreshLease!(SECRETS.id, SECRETS.holder, Date.now() + 5_000)).toBe(
      true,
    );
    await store.releaseRefreshLease!(SECRETS.id, SECRETS.holder);
    expect(await store.deleteByLogoutToken({ iss: ISS, sid: SECRETS.sid })).toBe(1);
    await store.delete(SECRETS.id);

    const spans = recorder.spans();
    expect(spans.map((span) => span.name)).toEqual(
      [
        "set",
        "get",
        "update",
        "touch",
        "listSessions",
        "claimLogoutToken",
        "releaseLogoutToken",
        "acquireRefreshLease",
        "releaseRefreshLease",
        "deleteByLogoutToken",
        "delete",
      ].map((operation) => `sessionkit.store ${operation}`),
    );
    for (const span of spans) {
      const operation = span.name.slice("sessionkit.store ".length);
      expect(span.kind).toBe(api.SpanKind.INTERNAL);
      expect(span.attributes).toEqual({
        "sessionkit.store.name": "memory",
        "sessionkit.store.operation": operation,
      });
      expect(span.status.code).toBe(api.SpanStatusCode.UNSET);
    }

    const durations = (await recorder.points()).filter(
      (point) => point.name === "sessionkit.store.operation.duration",
    );
    expect(durations.map((point) => point.attributes["sessionkit.store.operation"]).sort()).toEqual(
      [...CONTRACT].sort(),
    );
    for (const point of durations) {
      expect(point.unit).toBe("s");
      expect(point.attributes["sessionkit.store.name"]).toBe("memory");
      expect(point.attributes["error.type"]).toBeUndefined();
      expect(point.value).toMatchObject({ count: 1 });
    }

    const text = await recordedText(recorder);
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(text.includes(secret), `${what} must never be recorded`).toBe(false);
    }
    expect(text).not.toContain("alice@example.com");
  });

  it("keeps exactly the contract methods the store has, and its other members", async () => {
    const full = memoryStore();
    const wrappedFull = createTelemetry().instrumentStore(full, "memory");
    for (const name of CONTRACT) {
      expect(typeof (wrappedFull as unknown as Record<string, unknown>)[name], name).toBe(
        typeof (full as unknown as Record<string, unknown>)[name],
      );
    }

    class MinimalStore {
      #data = new Map<string, SessionData>();
      closed = false;
      async get(id: string) {
        return this.#data.get(id) ?? null;
      }
      async set(id: string, data: SessionData) {
        this.#data.set(id, data);
      }
      async close() {
        this.closed = true;
      }
    }
    const minimal = new MinimalStore();
    const wrapped = createTelemetry().instrumentStore(minimal, "minimal");
    expect("claimLogoutToken" in wrapped).toBe(false);
    expect("acquireRefreshLease" in wrapped).toBe(false);
    expect("touch" in wrapped).toBe(false);
    await wrapped.set(SECRETS.id, session());
    expect(await wrapped.get(SECRETS.id)).not.toBeNull();
    await wrapped.close();
    expect(wrapped.closed).toBe(true);
    expect(minimal.closed).toBe(true);
    expect(recorder.spans().map((span) => span.name)).toEqual([
      "sessionkit.store set",
      "sessionkit.store get",
    ]);
  });

  it("marks a failing call with its SessionStoreError code and rethrows the same error", async () => {
    const failure = new SessionStoreError("STORE_UNAVAILABLE", "backend down", {
      cause: new Error(`connect ECONNREFUSED for key sess:${SECRETS.id}`),
    });
    const failing = {
      get: async (_id: string) => {
        throw failure;
      },
      delete: (_id: string): Promise<void> => {
        throw new TypeError("not even a promise");
      },
    };
    const store = createTelemetry().instrumentStore(failing, "broken");
    await expect(store.get(SECRETS.id)).rejects.toBe(failure);
    expect(() => store.delete(SECRETS.id)).toThrow(TypeError);

    const [get, del] = recorder.spans();
    expect(get!.name).toBe("sessionkit.store get");
    expect(get!.status).toEqual({ code: api.SpanStatusCode.ERROR, message: "STORE_UNAVAILABLE" });
    expect(get!.attributes["error.type"]).toBe("STORE_UNAVAILABLE");
    expect(del!.attributes["error.type"]).toBe("TypeError");

    const durations = (await recorder.points()).filter(
      (point) => point.name === "sessionkit.store.operation.duration",
    );
    expect(durations.map((point) => point.attributes)).toEqual([
      {
        "sessionkit.store.name": "broken",
        "sessionkit.store.operation": "get",
        "error.type": "STORE_UNAVAILABLE",
      },
      {
        "sessionkit.store.name": "broken",
        "sessionkit.store.operation": "delete",
        "error.type": "TypeError",
      },
    ]);
    const text = await recordedText(recorder);
    expect(text).not.toContain(SECRETS.id);
    expect(text).not.toContain("backend down");
  });

  it("makes the store span the active one, so backend spans nest under it", async () => {
    const tracer = api.trace.getTracer("backend");
    const store = createTelemetry().instrumentStore(
      {
        get: async (_id: string) => {
          tracer.startSpan("backend GET").end();
          return null;
        },
      },
      "nested",
    );
    await store.get(SECRETS.id);
    const [backend, outer] = recorder.spans();
    expect(backend!.name).toBe("backend GET");
    expect(outer!.name).toBe("sessionkit.store get");
    expect(backend!.parentSpanContext?.spanId).toBe(outer!.spanContext().spanId);
  });

  it("starts recording when a provider is registered after the store was wrapped", async () => {
    await recorder.stop();
    const store = createTelemetry().instrumentStore(memoryStore(), "memory");
    await store.set(SECRETS.id, session(), later());
    recorder = startRecording();
    expect(await store.get(SECRETS.id)).not.toBeNull();
    expect(recorder.spans().map((span) => span.name)).toEqual(["sessionkit.store get"]);
  });

  it("records through an explicitly passed @opentelemetry/api module", async () => {
    const store = createTelemetry({ api }).instrumentStore(memoryStore(), "memory");
    await store.delete(SECRETS.id);
    expect(recorder.spans().map((span) => span.name)).toEqual(["sessionkit.store delete"]);
  });

  it("records nothing with api: false, and hands the store back as it is", async () => {
    const plain = memoryStore();
    const store = createTelemetry({ api: false }).instrumentStore(plain, "memory");
    expect(store).toBe(plain);
    await store.delete(SECRETS.id);
    expect(recorder.spans()).toEqual([]);
  });
});
