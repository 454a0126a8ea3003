// Every span, metric and attribute name sessionkit records, in one place (docs/observability.md
// lists the same). Where OpenTelemetry's semantic conventions have a name, it is used.

/** The instrumentation scope of the tracer and the meter. */
export const INSTRUMENTATION_SCOPE = "@sessionkit/auth";

export const SPAN_STORE_PREFIX = "sessionkit.store ";
export const SPAN_ROUTE_PREFIX = "sessionkit ";

export const METRIC_STORE_DURATION = "sessionkit.store.operation.duration";
export const METRIC_SESSION_CREATED = "sessionkit.session.created";
export const METRIC_SESSION_ROLLED = "sessionkit.session.rolled";
export const METRIC_SESSION_REFRESHED = "sessionkit.session.refreshed";
export const METRIC_SESSION_ENDED = "sessionkit.session.ended";
export const METRIC_REFRESH = "sessionkit.refresh";

export const ATTR_STORE_NAME = "sessionkit.store.name";
export const ATTR_STORE_OPERATION = "sessionkit.store.operation";
export const ATTR_ROUTE = "sessionkit.route";
export const ATTR_END_REASON = "sessionkit.session.end_reason";
export const ATTR_REFRESH_OUTCOME = "sessionkit.refresh.outcome";
/** Semantic conventions: the class of error an operation ended with; absent on success. */
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_HTTP_METHOD = "http.request.method";
export const ATTR_HTTP_ROUTE = "http.route";
export const ATTR_HTTP_STATUS = "http.response.status_code";

/** `SpanKind.INTERNAL`: the HTTP server span is the framework's; ours sit inside it. */
export const SPAN_KIND_INTERNAL = 0;
/** `SpanStatusCode.ERROR`. */
export const SPAN_STATUS_ERROR = 2;

/** Store calls take milliseconds to a few seconds (semantic conventions' database buckets). */
export const STORE_DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
