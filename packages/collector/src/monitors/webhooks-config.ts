import { ConfigError, formatIssue } from "@inferlog/core";
import * as z from "zod/mini";

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
export const DEFAULT_WEBHOOK_MAX_ATTEMPTS = 5;
/** Deliveries waiting per webhook; past it the oldest is dropped (and said so). */
export const DEFAULT_WEBHOOK_QUEUE = 100;

const webhookSchema = z.strictObject({
  /** Only from the config file: events never name a target. */
  url: z.string().check(z.regex(/^https?:\/\/[^\s]+$/, { message: "must be an http:// or https:// URL" })),
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
  const r = z.safeParse(notificationsSchema, input ?? {});
  if (!r.success) {
    const issue = r.error.issues[0] as z.core.$ZodIssue;
    const secret = issue.path.includes("secret");
    const wrapped = { ...issue, path: ["notifications", ...issue.path] } as z.core.$ZodIssue;
    const message = formatIssue(wrapped, { notifications: secret ? {} : input });
    throw new ConfigError(`Invalid notifications config: ${message}`);
  }
  return { webhooks: r.data.webhooks ?? [], queueSize: r.data.queueSize ?? DEFAULT_WEBHOOK_QUEUE };
}

/** How a webhook appears in logs: its name and origin, never its path (Slack puts the token there). */
export const webhookLabel = (w: WebhookTarget): string => {
  let origin = "(bad url)";
  try {
    origin = new URL(w.url).origin;
  } catch {}
  return w.name ? `webhook "${w.name}" (${origin})` : `webhook ${origin}`;
};
