/** Rows shared by the outage and exit scenarios: delivered over sent, and duplicates. */
import type { Row } from "../measure.js";
import type { CollectorCounts } from "../peer-collector.js";

export function deliveryRows(
  label: string,
  subject: string,
  sent: number,
  c: CollectorCounts,
  error: string | undefined,
  detail?: string,
): Row[] {
  const note = error ? `child failed: ${error.split("\n")[0]}` : detail;
  return [
    {
      metric: `${label}: delivered / sent`,
      subject,
      value: (100 * c.delivered) / sent,
      unit: "%",
      better: "higher",
      note: `${c.delivered} of ${sent}${note ? `; ${note}` : ""}`,
    },
    {
      metric: `${label}: duplicates after dedup on event id`,
      subject,
      value: c.duplicatesAfterDedup,
      unit: "events",
      better: "lower",
      note: `${c.duplicatesOnWire} duplicate copies on the wire`,
    },
  ];
}
