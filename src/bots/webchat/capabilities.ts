import type { ChannelCapabilities } from "../../messaging/channels.js";

/** The web chat renders every message kind itself (public/chat.js), with real tel: links for call buttons. */
export const WEBCHAT_CAPABILITIES: ChannelCapabilities = {
  maxText: 4000,
  maxButtons: 13,
  maxButtonLabel: 80,
  callButton: true,
  image: true,
  locationRequest: true,
};
