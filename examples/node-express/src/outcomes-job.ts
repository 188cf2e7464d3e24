/**
 * A later batch job: reads which queue each ticket really ended up in (here, from
 * argv or a fixed list) and logs it as the outcome of the prediction. It ends by
 * itself; the client flushes on the way out without being asked.
 */
import { inferlog } from "./inferlog.js";

export function logOutcomes(resolved: readonly { ticketId: string; queue: string }[]): void {
  for (const t of resolved) {
    inferlog.logOutcome({ predictionId: `ticket-${t.ticketId}`, label: t.queue, source: "system" });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const resolved = process.argv.slice(2).map((arg) => {
    const [ticketId = "", queue = ""] = arg.split("=");
    return { ticketId, queue };
  });
  logOutcomes(resolved.length > 0 ? resolved : [{ ticketId: "1", queue: "billing" }]);
}
