import { z } from "zod";

/** Every channel a person can reach us on. `terminal` is the local developer chat (`npm run chat`). */
export const CHANNELS = ["webchat", "terminal", "telegram", "messenger", "zalo"] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** What a channel can show; renderers degrade inside themselves when a feature is missing. */
export interface ChannelCapabilities {
  /** Longest text one platform message may carry; longer texts are split at sentence boundaries. */
  maxText: number;
  /** Most choice buttons one message may carry (0 = none: numbered options in the text). */
  maxButtons: number;
  /** Longest button label (longer labels are shortened). */
  maxButtonLabel: number;
  callButton: boolean;
  image: boolean;
  locationRequest: boolean;
}
