/**
 * A flow whose capability is not built yet answers honestly that it is coming, with what to do meanwhile.
 * Never fake data. Replaced in the registry as soon as the real flow exists.
 */
import { z } from "zod";
import type { FlowDefinition, FlowId } from "./types.js";
import { menuMessage } from "./menu.js";

/** Makes a placeholder flow that explains what is not ready and returns to the menu. */
export function comingSoonFlow(id: FlowId, vi: string, en: string): FlowDefinition<Record<string, never>> {
  return {
    id,
    version: 1,
    state: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
    start(ctx) {
      const text =
        ctx.locale === "en"
          ? `${en} is not available in this chat yet — we are still building it. If a child needs help, call 111 (free, 24/7).`
          : `Phần "${vi}" đang được hoàn thiện, chưa dùng được trong cuộc trò chuyện này. Nếu trẻ cần giúp đỡ, hãy gọi 111 (miễn phí, 24/7).`;
      return { state: null, replies: [{ kind: "text", text }, menuMessage(ctx.locale)] };
    },
    step(_s, _i, ctx) {
      return { state: null, replies: [menuMessage(ctx.locale)] };
    },
  };
}
