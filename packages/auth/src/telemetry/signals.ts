import {
  INSTRUMENTATION_SCOPE,
  METRIC_REFRESH,
  METRIC_SESSION_CREATED,
  METRIC_SESSION_ENDED,
  METRIC_SESSION_REFRESHED,
  METRIC_SESSION_ROLLED,
  METRIC_STORE_DURATION,
  STORE_DURATION_BUCKETS,
} from "./names.js";
import type {
  CounterLike,
  HistogramLike,
  MeterProviderLike,
  OpenTelemetryApi,
  TracerLike,
  TracerProviderLike,
} from "./types.js";

/**
 * Where `@opentelemetry/api` 1.x keeps the providers an app registers (`trace`, `metrics`, ...),
 * shared by every copy of the package in the process: reading it needs no import, so nothing
 * has to be resolved or bundled when the package is absent.
 */
const GLOBAL_KEY = Symbol.for("opentelemetry.js.api.1");

/** The metric instruments, made once per meter provider. */
export interface Instruments {
  storeDuration: HistogramLike;
  created: CounterLike;
  rolled: CounterLike;
  refreshed: CounterLike;
  ended: CounterLike;
  refresh: CounterLike;
}

/** The current tracer and instruments, or `undefined` while no provider is there. */
export interface Signals {
  /** `true` when nothing can be recorded now: the cheapest check, one property read. */
  off(): boolean;
  tracer(): TracerLike | undefined;
  instruments(): Instruments | undefined;
}

interface ProviderSource {
  off(): boolean;
  tracerProvider(): TracerProviderLike | undefined;
  meterProvider(): MeterProviderLike | undefined;
}

const registry = () =>
  (globalThis as Record<symbol, Record<string, unknown> | undefined>)[GLOBAL_KEY];

function registered(type: "trace" | "metrics"): unknown {
  const providers = registry();
  return providers === undefined ? undefined : providers[type];
}

const globalSource: ProviderSource = {
  off: () => registry() === undefined,
  tracerProvider() {
    const provider = registered("trace") as TracerProviderLike | undefined;
    return typeof provider?.getTracer === "function" ? provider : undefined;
  },
  meterProvider() {
    const provider = registered("metrics") as MeterProviderLike | undefined;
    return typeof provider?.getMeter === "function" ? provider : undefined;
  },
};

function apiSource(api: OpenTelemetryApi): ProviderSource {
  return {
    off: () => false,
    tracerProvider: () => api.trace.getTracerProvider(),
    meterProvider: () => api.metrics.getMeterProvider(),
  };
}

const none: Signals = {
  off: () => true,
  tracer: () => undefined,
  instruments: () => undefined,
};

function makeInstruments(provider: MeterProviderLike): Instruments {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE);
  const sessions = (name: string, what: string) =>
    meter.createCounter(name, { description: `Sessions ${what}.`, unit: "{session}" });
  return {
    storeDuration: meter.createHistogram(METRIC_STORE_DURATION, {
      description: "Duration of session store operations.",
      unit: "s",
      advice: { explicitBucketBoundaries: STORE_DURATION_BUCKETS },
    }),
    created: sessions(METRIC_SESSION_CREATED, "created (sign-ins)"),
    rolled: sessions(METRIC_SESSION_ROLLED, "whose expiry was moved (rolling sessions)"),
    refreshed: sessions(METRIC_SESSION_REFRESHED, "whose tokens were refreshed"),
    ended: sessions(METRIC_SESSION_ENDED, "ended, by reason"),
    refresh: meter.createCounter(METRIC_REFRESH, {
      description: "Token refreshes, by outcome.",
      unit: "{refresh}",
    }),
  };
}

/**
 * Finds the tracer and instruments on each call, cheaply: while no provider is registered that is
 * one property read and no allocation; a provider is asked for a tracer or meter only when it
 * differs from the last one seen (registered late, replaced, or disabled).
 */
export function createSignals(api: OpenTelemetryApi | false | undefined): Signals {
  if (api === false) return none;
  const source = api === undefined ? globalSource : apiSource(api);
  let tracerProvider: TracerProviderLike | undefined;
  let tracer: TracerLike | undefined;
  let meterProvider: MeterProviderLike | undefined;
  let instruments: Instruments | undefined;
  return {
    off: source.off,
    tracer() {
      const provider = source.tracerProvider();
      if (provider !== tracerProvider) {
        tracerProvider = provider;
        tracer = provider?.getTracer(INSTRUMENTATION_SCOPE);
      }
      return tracer;
    },
    instruments() {
      const provider = source.meterProvider();
      if (provider !== meterProvider) {
        meterProvider = provider;
        instruments = provider === undefined ? undefined : makeInstruments(provider);
      }
      return instruments;
    },
  };
}
