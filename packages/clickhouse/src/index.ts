export { type ClickHouseTransportOptions, createClickHouseTransport } from "./clickhouse-transport.js";
