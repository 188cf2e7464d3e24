import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import type { Subject } from "./subject.js";

export const otel: Subject = {
  name: "OpenTelemetry logs",
  pkg: "@opentelemetry/sdk-logs",
  config:
    "LoggerProvider + BatchLogRecordProcessor({ exporter, maxExportBatchSize: batch, maxQueueSize }) + OTLPLogExporter({ url, compression: 'gzip' }) (OTLP/HTTP JSON)",
  shutdownCall: "await loggerProvider.shutdown()",
  create({ base, batchSize, maxQueue }) {
    const exporter = new OTLPLogExporter({ url: `${base}/v1/logs`, compression: "gzip" as never });
    const provider = new LoggerProvider({
      processors: [
        new BatchLogRecordProcessor({
          exporter,
          maxExportBatchSize: batchSize,
          ...(maxQueue ? { maxQueueSize: maxQueue } : {}),
        }),
      ],
    });
    const logger = provider.getLogger("bench");
    return {
      // Features as flat attributes (the OTel idiom), the output as a map attribute.
      log: (p) =>
        logger.emit({
          severityNumber: SeverityNumber.INFO,
          body: "prediction",
          attributes: { ...p.features, output: p.output },
        }),
      flush: () => provider.forceFlush(),
      shutdown: () => provider.shutdown(),
    };
  },
};
