// Internal: OpenTelemetry spans and metrics for the core, with `@opentelemetry/api` an optional peer.

export { createTelemetry } from "./create-telemetry.js";
export { errorType } from "./error-type.js";
export * from "./names.js";
export type {
  OpenTelemetryApi,
  RefreshOutcome,
  SessionEventType,
  Telemetry,
  TelemetryOptions,
} from "./types.js";
