export { FakeClock, settle } from "./fake-clock.js";
export { type Attempt, type Fault, FaultTransport } from "./fault-transport.js";
export { MemoryTransport, type RecordedBatch } from "./memory-transport.js";
