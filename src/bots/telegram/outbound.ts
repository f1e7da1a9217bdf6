import type { InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup } from "grammy/types";
import type { OutboundMessage, OutboundRenderers } from "../../messaging/outbound.js";
import { renderWith } from "../../messaging/outbound.js";
import { splitText } from "../../messaging/split-text.js";
import { TELEGRAM_CAPABILITIES, TELEGRAM_MAX_CALLBACK_DATA_BYTES, TELEGRAM_MAX_CAPTION, TELEGRAM_MAX_TEXT } from "./capabilities.js";

/**
 * OutboundMessage → Telegram Bot API calls (without chat_id: the sender adds the target). Plain text only, no
 * parse_mode: flow copy may contain `*`, `_` or `<` and must never be interpreted as markup.
 */
export type TelegramRequest =
  | { method: "sendMessage"; text: string; replyMarkup?: InlineKeyboardMarkup | ReplyKeyboardMarkup; disableLinkPreview?: boolean }
  | { method: "sendPhoto"; photo: string; caption?: string; replyMarkup?: InlineKeyboardMarkup };

/** Label of the reply-keyboard button that shares the location (request_location works in private chats only). */
export const LOCATION_BUTTON_LABEL = "📍 Gửi vị trí của em";
/** Label of the reply-keyboard button that declines; tapping it arrives as a plain text message with this text. */
export const LOCATION_SKIP_LABEL = "Bỏ qua";

export interface TelegramRendererOptions {
  /** Base for relative image URLs (PUBLIC_BASE_URL); without it, relative images degrade to their alt text. */
  publicBaseUrl?: string;
}

/** A choice id that does not fit callback_data is a flow bug: fail loudly instead of sending a button that cannot answer. */
export class TelegramRenderError extends Error {
  override readonly name = "TelegramRenderError";
}

/** Builds the renderer for every outbound kind; the `satisfies` makes a missing kind a compile error. */
export function createTelegramRenderers(options: TelegramRendererOptions = {}) {
  return {
    text: (msg) => texts(msg.text),

    choices: (msg) => {
      for (const c of msg.choices) {
        if (Buffer.byteLength(c.id, "utf8") > TELEGRAM_MAX_CALLBACK_DATA_BYTES) {
          throw new TelegramRenderError(`choice id is longer than ${TELEGRAM_MAX_CALLBACK_DATA_BYTES} bytes`);
        }
      }
      // One button per row: Vietnamese labels are long and a phone screen fits one comfortably.
      const keyboard: InlineKeyboardButton[][] = msg.choices.map((c) => [{ text: shortenLabel(c.label), callback_data: c.id }]);
      return withMarkupOnLast(texts(msg.text), { inline_keyboard: keyboard });
    },

    call_buttons: (msg) => {
      // No tel: buttons in Telegram; clients make phone numbers in text tappable.
      const lines = msg.numbers.map((n) => `📞 ${n.phone} — ${n.label}`);
      return texts(`${msg.text}\n\n${lines.join("\n")}`);
    },

    link: (msg) => {
      if (!isHttpUrl(msg.url)) {
        // url buttons accept only http(s)/tg links; anything else goes into the text.
        return texts(`${msg.text}\n${msg.url}`);
      }
      return withMarkupOnLast(texts(msg.text), { inline_keyboard: [[{ text: shortenLabel(msg.label), url: msg.url }]] });
    },

    image: (msg) => {
      const url = resolveImageUrl(msg.url, options.publicBaseUrl);
      const caption = msg.caption ?? msg.alt;
      if (!url) {
        // Telegram fetches photos itself: it needs a public https URL. Otherwise the person still gets the words.
        return texts(msg.caption ? `${msg.alt}\n\n${msg.caption}` : msg.alt);
      }
      if (caption.length <= TELEGRAM_MAX_CAPTION) return [{ method: "sendPhoto", photo: url, caption }];
      return [{ method: "sendPhoto", photo: url }, ...texts(caption)];
    },

    location_request: (msg) => {
      const keyboard: ReplyKeyboardMarkup = {
        keyboard: [[{ text: LOCATION_BUTTON_LABEL, request_location: true }], [{ text: LOCATION_SKIP_LABEL }]],
        resize_keyboard: true,
        // Hides itself after one tap, so it does not linger under later messages.
        one_time_keyboard: true,
      };
      return withMarkupOnLast(texts(msg.text), keyboard);
    },
  } satisfies OutboundRenderers<TelegramRequest>;
}

/** Renderers with no public base URL (relative images degrade to text). */
export const renderers = createTelegramRenderers();

/** Renders any outbound message with the given renderers (a switch, so the kind narrows without casts). */
export function renderTelegram(msg: OutboundMessage, r: ReturnType<typeof createTelegramRenderers> = renderers): TelegramRequest[] {
  return renderWith(r, msg);
}

function texts(text: string): TelegramRequest[] {
  return splitText(text, TELEGRAM_MAX_TEXT).map((chunk) => ({ method: "sendMessage", text: chunk }));
}

/** Keyboards go on the last chunk so they sit right under the question. */
function withMarkupOnLast(reqs: TelegramRequest[], markup: InlineKeyboardMarkup | ReplyKeyboardMarkup): TelegramRequest[] {
  const last = reqs[reqs.length - 1];
  if (!last || last.method !== "sendMessage") return reqs;
  return [...reqs.slice(0, -1), { ...last, replyMarkup: markup }];
}

function shortenLabel(label: string): string {
  const max = TELEGRAM_CAPABILITIES.maxButtonLabel;
  if (label.length <= max) return label;
  const cut = label.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function isHttpUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/** An absolute https URL Telegram can fetch, or undefined when there is none. */
function resolveImageUrl(url: string, base: string | undefined): string | undefined {
  try {
    const u = base ? new URL(url, base) : new URL(url);
    return u.protocol === "https:" ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}
