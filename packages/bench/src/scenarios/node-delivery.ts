// The scenario lives with @inferlog/node (packages/node/bench/delivery.ts) so it runs against that package's sources.
import "../../../node/bench/delivery.js";
