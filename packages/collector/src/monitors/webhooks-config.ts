import * as z from "zod/mini";
import { configIssue } from "./config-issue.js";

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 5;
/** Deliveries waiting per webhook; past it the oldest is dropped (and said so). */
export const DEFAULT_WEBHOOK_QUEUE = 100;

const webhookSchema = z.strictObject({
  /** Only from the config file: events never name a target. */
  url: z
    .string()
    .check(z.refine((url) => /^https?:\/\/[^\s/]+/.test(url), { message: "must be an http:// or https:// URL" })),
  /** A label for logs (the URL itself may hold a token, so logs show only its origin). */
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  /** HMAC-SHA256 key: the body's signature goes in `x-inferlog-signature`. */
  secret: z.optional(z.string().check(z.minLength(16), z.maxLength(512))),
  timeoutMs: z.optional(z.int().check(z.gte(100), z.lte(120_000))),
  maxAttempts: z.optional(z.int().check(z.gte(1), z.lte(20))),
});
const notificationsSchema = z.strictObject({
  webhooks: z.optional(z.array(webhookSchema)),
  queueSize: z.optional(z.int().check(z.gte(1), z.lte(100_000))),
});

export type WebhookTarget = z.infer<typeof webhookSchema>;
export interface NotificationsConfig {
  webhooks: WebhookTarget[];
  queueSize: number;
}

/** The `notifications` section of the config file; errors name the field, never echo a secret. */
export function parseNotificationsConfig(input: unknown): NotificationsConfig {
  const row = z.safeParse(notificationsSchema, input ?? {});
  if (!row.success) {
    const issue = row.error.issues[0] as z.core.$ZodIssue;
    // A webhook URL may hold a token (Slack's do) and a secret is one: neither is echoed.
    const hide = issue.path.includes("secret") || issue.path.includes("url");
    throw configIssue("notifications", issue, hide ? {} : input, ["notifications"]);
  }
  return { webhooks: row.data.webhooks ?? [], queueSize: row.data.queueSize ?? DEFAULT_WEBHOOK_QUEUE };
}

/** How a webhook appears in logs: its name and origin, never its path (Slack puts the token there). */
export const webhookLabel = (window: WebhookTarget): string => {
  let origin = "(bad url)";
  try {
    origin = new URL(window.url).origin;
  } catch {}
  return window.name ? `webhook "${window.name}" (${origin})` : `webhook ${origin}`;
};
