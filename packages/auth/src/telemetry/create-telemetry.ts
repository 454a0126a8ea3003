import { errorType } from "./error-type.js";
import { instrumentStore } from "./instrument-store.js";
import {
  ATTR_END_REASON,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_HTTP_STATUS,
  ATTR_REFRESH_OUTCOME,
  ATTR_ROUTE,
  SPAN_KIND_INTERNAL,
  SPAN_ROUTE_PREFIX,
  SPAN_STATUS_ERROR,
} from "./names.js";
import { createSignals } from "./signals.js";
import type {
  RefreshOutcome,
  SpanLike,
  Telemetry,
  TelemetryAttributes,
  TelemetryOptions,
  TracerLike,
} from "./types.js";

/** Semantic conventions: methods outside this list are recorded as `_OTHER`. */
const KNOWN_METHODS = new Set([
  "CONNECT",
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
  "TRACE",
]);

const REFRESH_ATTRIBUTES: Readonly<Record<RefreshOutcome, TelemetryAttributes>> = {
  refreshed: Object.freeze({ [ATTR_REFRESH_OUTCOME]: "refreshed" }),
  reused: Object.freeze({ [ATTR_REFRESH_OUTCOME]: "reused" }),
  failed: Object.freeze({ [ATTR_REFRESH_OUTCOME]: "failed" }),
};

/** The end reasons are a short fixed list; past this many distinct ones, attributes are not cached. */
const MAX_CACHED_REASONS = 32;

/** The path of a request URL, without query string or fragment (which carry codes and state). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "/";
  }
}

/** The route span, in a function of its own so that the no-provider path allocates no closure. */
function traceRouteWith(
  tracer: TracerLike,
  route: string,
  request: Request,
  run: () => Promise<Response>,
): Promise<Response> {
  const attributes: TelemetryAttributes = {
    [ATTR_ROUTE]: route,
    [ATTR_HTTP_METHOD]: KNOWN_METHODS.has(request.method) ? request.method : "_OTHER",
    [ATTR_HTTP_ROUTE]: pathOf(request.url),
  };
  return tracer.startActiveSpan(
    SPAN_ROUTE_PREFIX + route,
    { kind: SPAN_KIND_INTERNAL, attributes },
    async (span: SpanLike) => {
      try {
        const response = await run();
        span.setAttribute(ATTR_HTTP_STATUS, response.status);
        if (response.status >= 500) {
          const type = String(response.status);
          span.setAttribute(ATTR_ERROR_TYPE, type);
          span.setStatus({ code: SPAN_STATUS_ERROR, message: type });
        }
        return response;
      } catch (error) {
        const type = errorType(error);
        span.setAttribute(ATTR_ERROR_TYPE, type);
        span.setStatus({ code: SPAN_STATUS_ERROR, message: type });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Reports what the core does to OpenTelemetry. Nothing is imported: the `api` option, else the
 * providers registered globally by `@opentelemetry/api`, are looked up on each call, and every
 * method is a no-op costing a property read while there are none.
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const signals = createSignals(options.api);
  const reasonAttributes = new Map<string, TelemetryAttributes>();
  const endAttributes = (reason: string): TelemetryAttributes => {
    let attributes = reasonAttributes.get(reason);
    if (attributes === undefined) {
      attributes = Object.freeze({ [ATTR_END_REASON]: reason });
      if (reasonAttributes.size < MAX_CACHED_REASONS) reasonAttributes.set(reason, attributes);
    }
    return attributes;
  };

  return {
    instrumentStore(store, storeName) {
      return options.api === false ? store : instrumentStore(signals, store, storeName);
    },

    traceRoute(route, request, run) {
      const tracer = signals.tracer();
      if (tracer === undefined) return run();
      return traceRouteWith(tracer, route, request, run);
    },

    sessionEvent(type, reason, count = 1) {
      const instruments = signals.instruments();
      if (instruments === undefined) return;
      if (type === "ended") instruments.ended.add(count, endAttributes(reason ?? "unknown"));
      else instruments[type].add(count);
    },

    refreshOutcome(outcome) {
      const instruments = signals.instruments();
      if (instruments === undefined) return;
      instruments.refresh.add(1, REFRESH_ATTRIBUTES[outcome]);
    },
  };
}
