// The conformance suite lands here next; the backends are at "./backends".
export type { BackendSource } from "./backends/types.js";
