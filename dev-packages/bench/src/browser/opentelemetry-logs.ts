import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { prediction } from "../prediction.js";

const exporter = new OTLPLogExporter({ url: "https://collect.example.com/v1/logs" });
const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
const p = prediction(1);
provider
  .getLogger("app")
  .emit({ severityNumber: SeverityNumber.INFO, body: "prediction", attributes: { ...p.features, output: p.output } });
