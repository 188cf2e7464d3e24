// The scenario lives with @inferlog/node (packages/node/bench/outage-memory.ts) so it runs against that package's sources.
import "../../../node/bench/outage-memory.js";
