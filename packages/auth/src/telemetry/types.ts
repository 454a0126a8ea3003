// The slice of `@opentelemetry/api` that sessionkit uses, written out structurally so that no
// type (and no code) of sessionkit depends on the package being installed.

/** An attribute value as OpenTelemetry takes it. */
export type TelemetryAttributeValue = string | number | boolean;

/** Span or metric attributes. */
export type TelemetryAttributes = Readonly<Record<string, TelemetryAttributeValue>>;

/** The part of an OpenTelemetry `Span` that sessionkit calls. */
export interface SpanLike {
  setAttribute(key: string, value: TelemetryAttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** Options of `Tracer.startActiveSpan`, as far as sessionkit sets them. */
export interface SpanOptionsLike {
  /** `SpanKind`: 0 internal, 1 server, 2 client. */
  kind?: number;
  attributes?: TelemetryAttributes;
}

/** The part of an OpenTelemetry `Tracer` that sessionkit calls. */
export interface TracerLike {
  startActiveSpan<F extends (span: SpanLike) => unknown>(
    name: string,
    options: SpanOptionsLike,
    fn: F,
  ): ReturnType<F>;
}

/** The part of an OpenTelemetry `TracerProvider` that sessionkit calls. */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): TracerLike;
}

/** The part of an OpenTelemetry `Counter` that sessionkit calls. */
export interface CounterLike {
  add(value: number, attributes?: TelemetryAttributes): void;
}

/** The part of an OpenTelemetry `Histogram` that sessionkit calls. */
export interface HistogramLike {
  record(value: number, attributes?: TelemetryAttributes): void;
}

/** Options of `Meter.createCounter` and `Meter.createHistogram`, as far as sessionkit sets them. */
export interface InstrumentOptionsLike {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/** The part of an OpenTelemetry `Meter` that sessionkit calls. */
export interface MeterLike {
  createCounter(name: string, options?: InstrumentOptionsLike): CounterLike;
  createHistogram(name: string, options?: InstrumentOptionsLike): HistogramLike;
}

/** The part of an OpenTelemetry `MeterProvider` that sessionkit calls. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike;
}

/**
 * The `@opentelemetry/api` module (`import * as api from "@opentelemetry/api"`), or anything
 * shaped like the part of it sessionkit uses.
 */
export interface OpenTelemetryApi {
  trace: { getTracerProvider(): TracerProviderLike };
  metrics: { getMeterProvider(): MeterProviderLike };
}

/** Options of `createTelemetry`. */
export interface TelemetryOptions {
  /**
   * The `@opentelemetry/api` module to record through; `false` records nothing. When left out,
   * sessionkit uses the tracer and meter providers that the app registered globally with any copy
   * of `@opentelemetry/api` 1.x (found again on every call, so a provider registered later counts).
   */
  api?: OpenTelemetryApi | false;
}

/** A session lifecycle event as the metrics count it. */
export type SessionEventType = "created" | "rolled" | "refreshed" | "ended";

/** How a refresh of the provider's tokens went. */
export type RefreshOutcome =
  /** This request spent the refresh token and got new tokens. */
  | "refreshed"
  /** Another request or instance had refreshed already; its tokens were used. */
  | "reused"
  /** The refresh failed. */
  | "failed";

/** What the core reports to OpenTelemetry. Every method is a no-op while no provider is registered. */
export interface Telemetry {
  /**
   * Wraps every method of the session store contract that `store` has (required and optional
   * extensions) in a span `sessionkit.store <operation>` and the
   * `sessionkit.store.operation.duration` histogram. Attributes: store name, operation, and
   * `error.type` on failure; never ids, tokens or session data. The result has exactly the
   * contract methods `store` has, so extensions are still detected by presence, and every other
   * member of `store` is passed through.
   */
  instrumentStore<S extends object>(store: S, storeName: string): S;
  /**
   * Runs an auth route handler in a span `sessionkit <route>` with `http.request.method`,
   * `http.route` (the path, never the query string) and `http.response.status_code`.
   */
  traceRoute(route: string, request: Request, run: () => Promise<Response>): Promise<Response>;
  /** Counts a session lifecycle event (`count` sessions, default 1); `reason` for `ended`. */
  sessionEvent(type: SessionEventType, reason?: string, count?: number): void;
  /** Counts a refresh by outcome. */
  refreshOutcome(outcome: RefreshOutcome): void;
}
