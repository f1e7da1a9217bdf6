import type { ChannelCapabilities } from "../../messaging/channels.js";
import { absoluteUrl, LOCATION_HINT_VI, shortenLabel } from "../../messaging/render-helpers.js";
import type { OutboundRenderers, PhoneNumber } from "../../messaging/outbound.js";
import { splitText } from "../../messaging/split-text.js";
import type { MessengerButton, MessengerOutMessage } from "./graph-client.js";

/** Send API limits (channels.md §3.2): text 2000, quick replies ≤ 13 with titles ≤ 20, button template text ≤ 640 with 1–3 buttons. */
export const MESSENGER_LIMITS = { text: 2000, quickReplies: 13, title: 20, templateText: 640, templateButtons: 3, payload: 1000 } as const;

/** What Messenger can show; location requests degrade to text because location quick replies were removed. */
export const messengerCapabilities: ChannelCapabilities = {
  maxText: MESSENGER_LIMITS.text,
  maxButtons: MESSENGER_LIMITS.quickReplies,
  maxButtonLabel: MESSENGER_LIMITS.title,
  callButton: true,
  image: true,
  locationRequest: false,
};

export interface MessengerRenderOptions {
  /** PUBLIC_BASE_URL: relative image urls (our own VietQR codes) are resolved against it. */
  publicBaseUrl?: string;
  /**
   * Appended to a location_request, because Messenger has no "share location" button any more: the person has to
   * type where they are. Bot copy belongs in content/; the lead can pass the i18n string here.
   */
  locationHint?: string;
}


/** Builds the Messenger renderers: one per OutboundMessage kind, each returning the `message` objects to send in order. */
export function createMessengerRenderers(options: MessengerRenderOptions = {}): OutboundRenderers<MessengerOutMessage> {
  const locationHint = options.locationHint ?? LOCATION_HINT_VI;
  return {
    text: (msg) => textMessages(msg.text),

    choices: (msg) => {
      if (msg.choices.length <= MESSENGER_LIMITS.templateButtons) {
        // ≤ 3 choices: a button template, whose buttons stay in the thread (quick replies vanish after the next message).
        const buttons: MessengerButton[] = msg.choices.map((c) => ({ type: "postback", title: shortenLabel(c.label, MESSENGER_LIMITS.title), payload: c.id }));
        return withTemplate(msg.text, buttons);
      }
      const chunks = splitText(msg.text, MESSENGER_LIMITS.text);
      const last = chunks.pop() ?? msg.text.slice(0, MESSENGER_LIMITS.text);
      const quick_replies = msg.choices.slice(0, MESSENGER_LIMITS.quickReplies).map((c) => ({
        content_type: "text" as const,
        title: shortenLabel(c.label, MESSENGER_LIMITS.title),
        payload: c.id,
      }));
      return [...chunks.map((text) => ({ text })), { text: last, quick_replies }];
    },

    call_buttons: (msg) => {
      const buttons: MessengerButton[] = [];
      const asText: PhoneNumber[] = [];
      for (const n of msg.numbers) {
        const e164 = toMessengerPhone(n.phone);
        if (e164) buttons.push({ type: "phone_number", title: shortenLabel(n.label, MESSENGER_LIMITS.title), payload: e164 });
        else asText.push(n);
      }
      // Short codes (111, 113, 115, 1800…) cannot be a phone_number button: the person reads and dials them.
      const lines = asText.filter((n) => !msg.text.includes(n.phone)).map((n) => `📞 ${n.label}: ${n.phone}`);
      const text = lines.length > 0 ? `${msg.text}\n${lines.join("\n")}` : msg.text;
      return buttons.length > 0 ? withTemplate(text, buttons) : textMessages(text);
    },

    link: (msg) => withTemplate(msg.text, [{ type: "web_url", title: shortenLabel(msg.label, MESSENGER_LIMITS.title), url: msg.url }]),

    image: (msg) => {
      const url = absoluteUrl(msg.url, options.publicBaseUrl);
      // Without a public address Meta cannot fetch the image: the alt text is the honest fallback.
      if (!url) return textMessages(msg.caption ? `${msg.alt}\n${msg.caption}` : msg.alt);
      const out: MessengerOutMessage[] = [{ attachment: { type: "image", payload: { url, is_reusable: true } } }];
      if (msg.caption) out.push(...textMessages(msg.caption));
      return out;
    },

    location_request: (msg) => textMessages(msg.text.includes(locationHint) ? msg.text : `${msg.text}\n${locationHint}`),
  } satisfies OutboundRenderers<MessengerOutMessage>;
}

/** Default renderers (no public base url: relative images degrade to their alt text). */
export const messengerRenderers = createMessengerRenderers();

/**
 * A phone_number button's payload must be "+<country code><number>" (Send API docs), which a Vietnamese short code
 * cannot be: "+84111" is not the 111 hotline from every network or from abroad. So only full numbers become buttons:
 * "+…" as given, national "0…" (10–11 digits) as +84…; everything else (111, 113, 115, 1800/1900 numbers) → null.
 */
export function toMessengerPhone(phone: string): string | null {
  if (/^\+[1-9][0-9]{7,14}$/.test(phone)) return phone;
  if (/^0[1-9][0-9]{8,9}$/.test(phone)) return `+84${phone.slice(1)}`;
  return null;
}


function textMessages(text: string): MessengerOutMessage[] {
  return splitText(text, MESSENGER_LIMITS.text).map((t) => ({ text: t }));
}

/** A button template (text ≤ 640); longer text goes first as plain messages so the buttons sit under its end. */
function withTemplate(text: string, buttons: MessengerButton[]): MessengerOutMessage[] {
  const chunks = splitText(text, MESSENGER_LIMITS.text);
  let last = chunks.pop() ?? "";
  if (last.length > MESSENGER_LIMITS.templateText) {
    const tail = splitText(last, MESSENGER_LIMITS.templateText);
    last = tail.pop() ?? "";
    chunks.push(...tail);
  }
  const out: MessengerOutMessage[] = chunks.map((t) => ({ text: t }));
  out.push({
    attachment: {
      type: "template",
      payload: { template_type: "button", text: last, buttons: buttons.slice(0, MESSENGER_LIMITS.templateButtons) },
    },
  });
  return out;
}

