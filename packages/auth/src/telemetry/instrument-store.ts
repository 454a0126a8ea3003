import { errorType } from "./error-type.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_STORE_NAME,
  ATTR_STORE_OPERATION,
  SPAN_KIND_INTERNAL,
  SPAN_STATUS_ERROR,
  SPAN_STORE_PREFIX,
} from "./names.js";
import type { Instruments, Signals } from "./signals.js";
import type { SpanLike, TelemetryAttributes, TracerLike } from "./types.js";

/** Every method of the store contract, required and optional, with its number of arguments. */
const STORE_METHODS: ReadonlyArray<readonly [name: string, arity: 1 | 2 | 3]> = [
  ["get", 1],
  ["set", 3],
  ["update", 3],
  ["touch", 2],
  ["delete", 1],
  ["deleteByLogoutToken", 1],
  ["listSessions", 1],
  ["claimLogoutToken", 2],
  ["releaseLogoutToken", 1],
  ["acquireRefreshLease", 3],
  ["releaseRefreshLease", 2],
];
const contractMethods = new Set(STORE_METHODS.map(([name]) => name));

type Method = (this: unknown, a?: unknown, b?: unknown, c?: unknown) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Runs one store call in a span and records its duration; answers exactly what the call does. */
function observe(
  tracer: TracerLike | undefined,
  instruments: Instruments | undefined,
  spanName: string,
  attributes: TelemetryAttributes,
  run: () => unknown,
): unknown {
  const start = performance.now();
  const finish = (span: SpanLike | undefined, failed: boolean, error?: unknown) => {
    const type = failed ? errorType(error) : undefined;
    instruments?.storeDuration.record(
      (performance.now() - start) / 1000,
      type === undefined ? attributes : { ...attributes, [ATTR_ERROR_TYPE]: type },
    );
    if (span === undefined) return;
    if (type !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, type);
      span.setStatus({ code: SPAN_STATUS_ERROR, message: type });
    }
    span.end();
  };
  const settle = (span: SpanLike | undefined): unknown => {
    let result: unknown;
    try {
      result = run();
    } catch (error) {
      finish(span, true, error);
      throw error;
    }
    if (!isThenable(result)) {
      finish(span, false);
      return result;
    }
    return result.then(
      (value) => {
        finish(span, false);
        return value;
      },
      (error: unknown) => {
        finish(span, true, error);
        throw error;
      },
    );
  };
  return tracer === undefined
    ? settle(undefined)
    : tracer.startActiveSpan(spanName, { kind: SPAN_KIND_INTERNAL, attributes }, settle);
}

function instrumentMethod(
  signals: Signals,
  store: object,
  method: Method,
  arity: 1 | 2 | 3,
  operation: string,
  storeName: string,
): Method {
  const spanName = SPAN_STORE_PREFIX + operation;
  const attributes: TelemetryAttributes = Object.freeze({
    [ATTR_STORE_NAME]: storeName,
    [ATTR_STORE_OPERATION]: operation,
  });
  const call = (a: unknown, b: unknown, c: unknown) =>
    arity === 1
      ? method.call(store, a)
      : arity === 2
        ? method.call(store, a, b)
        : method.call(store, a, b, c);
  const observed = (a: unknown, b: unknown, c: unknown) => {
    const tracer = signals.tracer();
    const instruments = signals.instruments();
    if (tracer === undefined && instruments === undefined) return call(a, b, c);
    return observe(tracer, instruments, spanName, attributes, () => call(a, b, c));
  };
  // One wrapper per arity, forwarding its arguments as they came. Closures live in `observed`:
  // one here would make V8 allocate a context on every call, with or without a provider.
  switch (arity) {
    case 1:
      return function instrumentedStoreCall(a) {
        return signals.off() ? method.call(store, a) : observed(a, undefined, undefined);
      };
    case 2:
      return function instrumentedStoreCall(a, b) {
        return signals.off() ? method.call(store, a, b) : observed(a, b, undefined);
      };
    case 3:
      return function instrumentedStoreCall(a, b, c) {
        return signals.off() ? method.call(store, a, b, c) : observed(a, b, c);
      };
  }
}

/**
 * A plain object with the same members as `store`: each contract method it has is wrapped, any
 * other method is bound to `store`, and any other property reads and writes through to `store`.
 */
export function instrumentStore<S extends object>(
  signals: Signals,
  store: S,
  storeName: string,
): S {
  const instrumented: Record<PropertyKey, unknown> = {};
  const source = store as Record<PropertyKey, unknown>;
  for (const [name, arity] of STORE_METHODS) {
    const method = source[name];
    if (typeof method === "function") {
      instrumented[name] = instrumentMethod(
        signals,
        store,
        method as Method,
        arity,
        name,
        storeName,
      );
    }
  }
  // Members of class-based stores live on the prototype chain; Object.prototype's are left alone.
  for (
    let layer: object | null = store;
    layer !== null && layer !== Object.prototype;
    layer = Object.getPrototypeOf(layer)
  ) {
    for (const key of Reflect.ownKeys(layer)) {
      if (key === "constructor" || Object.hasOwn(instrumented, key)) continue;
      if (typeof key === "string" && contractMethods.has(key)) continue;
      const value = source[key];
      if (typeof value === "function") {
        instrumented[key] = (value as Method).bind(store);
      } else {
        Object.defineProperty(instrumented, key, {
          enumerable: true,
          configurable: true,
          get: () => source[key],
          set: (next: unknown) => {
            source[key] = next;
          },
        });
      }
    }
  }
  return instrumented as S;
}
