// An OpenTelemetry SDK registered globally, recording in memory, for the telemetry tests.
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

class TestMetricReader extends MetricReader {
  protected override async onShutdown() {}
  protected override async onForceFlush() {}
}

/** One recorded metric data point, flattened. */
export interface RecordedPoint {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  value: number | Histogram;
}

export interface Recorder {
  /** The spans ended so far. */
  spans(): ReadableSpan[];
  /** Every data point collected now (cumulative since `start`). */
  points(): Promise<RecordedPoint[]>;
  stop(): Promise<void>;
}

/** Registers a fresh tracer provider, meter provider and context manager as the globals. */
export function startRecording(): Recorder {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => exporter.getFinishedSpans(),
    async points() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          (metric.dataPoints as DataPoint<number | Histogram>[]).map((point) => ({
            name: metric.descriptor.name,
            unit: metric.descriptor.unit,
            attributes: { ...point.attributes },
            value: point.value,
          })),
        ),
      );
    },
    async stop() {
      trace.disable();
      metrics.disable();
      context.disable();
      contextManager.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
