import type { Api } from "grammy";
import { TELEGRAM_ALLOWED_UPDATES } from "./capabilities.js";

/**
 * One-time setup against the Bot API (README: "Telegram"). Webhook mode:
 *   await setTelegramWebhook(new Api(TELEGRAM_BOT_TOKEN), `${PUBLIC_BASE_URL}/webhooks/telegram`, TELEGRAM_WEBHOOK_SECRET)
 * Polling mode needs no setup: startTelegramPolling deletes any webhook itself.
 */

const SECRET_FORMAT = /^[A-Za-z0-9_-]{16,256}$/;

/** Points Telegram at our webhook with the secret token it must echo in X-Telegram-Bot-Api-Secret-Token; keeps pending updates. */
export async function setTelegramWebhook(api: Pick<Api, "setWebhook">, url: string, secret: string): Promise<void> {
  const parsed = new URL(url);
  // Telegram only calls HTTPS URLs (ports 443, 80, 88, 8443); failing here beats a silent "no updates".
  if (parsed.protocol !== "https:") throw new Error("Telegram webhook URL must be https");
  if (!SECRET_FORMAT.test(secret)) throw new Error("Telegram webhook secret must be 16–256 characters of A-Z, a-z, 0-9, _ or -");
  await api.setWebhook(parsed.toString(), {
    secret_token: secret,
    allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
    // Pending updates are people's messages: never drop them when (re)pointing the webhook.
    drop_pending_updates: false,
  });
}

/** Removes the webhook (e.g. before switching to polling), keeping pending updates. */
export async function deleteTelegramWebhook(api: Pick<Api, "deleteWebhook">): Promise<void> {
  await api.deleteWebhook({ drop_pending_updates: false });
}
