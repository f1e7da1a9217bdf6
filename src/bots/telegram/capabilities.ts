import type { ChannelCapabilities } from "../../messaging/channels.js";

/** Bot API: message text is 1–4096 characters after entity parsing. */
export const TELEGRAM_MAX_TEXT = 4096;
/** Bot API: media captions are 0–1024 characters. */
export const TELEGRAM_MAX_CAPTION = 1024;
/** Bot API: callback_data is 1–64 bytes (bytes, not characters: Vietnamese letters take 2–3). */
export const TELEGRAM_MAX_CALLBACK_DATA_BYTES = 64;

/** The update types we subscribe to (setWebhook/getUpdates `allowed_updates`); everything else is never delivered. */
export const TELEGRAM_ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

/**
 * What Telegram can show. Inline keyboards have no documented button limit (≈100 in practice, [U]); there is no
 * tel: button (inline `url` buttons reject tel: links), so phone numbers go into the text, where clients make them tappable.
 */
export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  maxText: TELEGRAM_MAX_TEXT,
  maxButtons: 100,
  // Not a Bot API limit: longer labels are cut off by clients on phones, so we shorten them ourselves at a word.
  maxButtonLabel: 64,
  callButton: false,
  image: true,
  locationRequest: true,
};
