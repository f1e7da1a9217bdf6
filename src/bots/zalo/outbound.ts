import type { ChannelCapabilities } from "../../messaging/channels.js";
import { absoluteUrl, LOCATION_HINT_VI, shortenLabel } from "../../messaging/render-helpers.js";
import type { OutboundRenderers } from "../../messaging/outbound.js";
import { splitText } from "../../messaging/split-text.js";
import { ZALO_CHOICE_PREFIX } from "./inbound.js";

/**
 * Zalo OA v3 CS message limits: text ≤ 2000 [S]; "only support 5 buttons" (official PHP SDK README) [S];
 * the button title limit is not documented anywhere we could read — 35 is a cautious guess [U].
 */
export const ZALO_LIMITS = { text: 2000, buttons: 5, title: 35 } as const;

/** What a Zalo OA can show. */
export const zaloCapabilities: ChannelCapabilities = {
  maxText: ZALO_LIMITS.text,
  maxButtons: ZALO_LIMITS.buttons,
  maxButtonLabel: ZALO_LIMITS.title,
  callButton: true,
  image: true,
  locationRequest: false,
};

/** Button payload shapes from the official .NET SDK (`utils/JsonUtils.cs`) [S]. */
export type ZaloButton =
  | { title: string; type: "oa.query.hide" | "oa.query.show"; payload: string }
  | { title: string; type: "oa.open.phone"; payload: { phone_code: string } }
  | { title: string; type: "oa.open.url"; payload: { url: string } };

export interface ZaloMediaElement {
  media_type: "image";
  url: string;
}

/**
 * The `message` of a `/v3.0/oa/message/cs` request. Text + `attachment.template` with only `buttons` is the shape
 * channels.md §3.3 gives (reseller docs show it on CS messages; not confirmed against a live OA) [U]. The media
 * template (`template_type:"media"`, elements by url) is documented for CS [S].
 */
export type ZaloOutMessage =
  | { text: string }
  | { text: string; attachment: { type: "template"; payload: { buttons: ZaloButton[] } } }
  | { text?: string; attachment: { type: "template"; payload: { template_type: "media"; elements: ZaloMediaElement[] } } };

export interface ZaloRenderOptions {
  /** PUBLIC_BASE_URL for relative image urls (our own VietQR codes). */
  publicBaseUrl?: string;
  /** Appended to a location_request: Zalo OA has no "share location" button, the person types the place. */
  locationHint?: string;
}


/** Builds the Zalo renderers: one per OutboundMessage kind, each returning the CS `message` objects to send in order. */
export function createZaloRenderers(options: ZaloRenderOptions = {}): OutboundRenderers<ZaloOutMessage> {
  const locationHint = options.locationHint ?? LOCATION_HINT_VI;
  return {
    text: (msg) => textMessages(msg.text),

    choices: (msg) => {
      if (msg.choices.length > ZALO_LIMITS.buttons) {
        // More than Zalo can show: numbered options the person answers by typing the number.
        const list = msg.choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n");
        return textMessages(`${msg.text}\n\n${list}`);
      }
      // oa.query.hide, not .show: the tapped payload comes back as user text, and only a hidden payload can carry the
      // choice id (with .show the person would see "cn:menu_report" as their own message).
      return withButtons(
        msg.text,
        msg.choices.map((c) => ({ title: shortenLabel(c.label, ZALO_LIMITS.title), type: "oa.query.hide", payload: `${ZALO_CHOICE_PREFIX}${c.id}` })),
      );
    },

    call_buttons: (msg) => {
      // The numbers also go into the text: Zalo PC/web may not render phone buttons, and a child must see 111 anyway.
      const missing = msg.numbers.filter((n) => !msg.text.includes(n.phone)).map((n) => `📞 ${n.label}: ${n.phone}`);
      const text = missing.length > 0 ? `${msg.text}\n${missing.join("\n")}` : msg.text;
      // phone_code is passed as written (111 short codes dial as-is in the Zalo app) [U].
      return withButtons(
        text,
        msg.numbers.map((n) => ({ title: shortenLabel(n.label, ZALO_LIMITS.title), type: "oa.open.phone", payload: { phone_code: n.phone } })),
      );
    },

    link: (msg) => withButtons(msg.text, [{ title: shortenLabel(msg.label, ZALO_LIMITS.title), type: "oa.open.url", payload: { url: msg.url } }]),

    image: (msg) => {
      const url = absoluteUrl(msg.url, options.publicBaseUrl);
      if (!url) return textMessages(msg.caption ? `${msg.alt}\n${msg.caption}` : msg.alt);
      const caption = msg.caption ? splitText(msg.caption, ZALO_LIMITS.text) : [];
      const first = caption.shift();
      const media: ZaloOutMessage = {
        ...(first ? { text: first } : {}),
        attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", url }] } },
      };
      return [media, ...caption.map((text) => ({ text }))];
    },

    location_request: (msg) => textMessages(msg.text.includes(locationHint) ? msg.text : `${msg.text}\n${locationHint}`),
  } satisfies OutboundRenderers<ZaloOutMessage>;
}

/** Default renderers (no public base url: relative images degrade to their alt text). */
export const zaloRenderers = createZaloRenderers();


function textMessages(text: string): ZaloOutMessage[] {
  return splitText(text, ZALO_LIMITS.text).map((t) => ({ text: t }));
}

/** Buttons ride on the last chunk of a long text. */
function withButtons(text: string, buttons: ZaloButton[]): ZaloOutMessage[] {
  const chunks = splitText(text, ZALO_LIMITS.text);
  const last = chunks.pop() ?? text.slice(0, ZALO_LIMITS.text);
  return [...chunks.map((t) => ({ text: t })), { text: last, attachment: { type: "template", payload: { buttons: buttons.slice(0, ZALO_LIMITS.buttons) } } }];
}

