import { createHmac } from "node:crypto";
import type { AlertEvent } from "./alert-event.js";

/** The header that carries `sha256=<hex HMAC-SHA256 of the raw body>` when the webhook has a secret. */
export const SIGNATURE_HEADER = "x-inferlog-signature";

/** The JSON a webhook receives: the alert event, `type`, and a Slack-compatible `text` line. */
export function webhookBody(event: AlertEvent): string {
  const icon = event.status === "firing" ? ":red_circle: FIRING" : ":large_green_circle: RESOLVED";
  const scope = event.scopeKey ? ` (${event.scopeKey})` : "";
  const text = `${icon} ${event.monitorId}${scope}: ${event.summary}`;
  return JSON.stringify({ type: "inferlog.alert", ...event, text });
}

export const signatureOf = (body: string, secret: string): string =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
