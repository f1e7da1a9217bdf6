/**
 * Switches on each chat-app channel whose settings are complete: its webhook route (or poller), and its sender.
 * A channel with some settings missing stays off with one log line (config.channelProblems).
 */
import { Api } from "grammy";
import type { Router } from "express";
import { createGraphClient } from "./bots/messenger/graph-client.js";
import { createMessengerRenderers } from "./bots/messenger/outbound.js";
import { createMessengerSender } from "./bots/messenger/sender.js";
import { createTelegramSender } from "./bots/telegram/sender.js";
import { startTelegramPolling } from "./bots/telegram/polling.js";
import { createZaloClient } from "./bots/zalo/zalo-client.js";
import { createZaloRenderers } from "./bots/zalo/outbound.js";
import { createZaloSender } from "./bots/zalo/sender.js";
import { createPrismaZaloTokenStore } from "./bots/zalo/token-store.js";
import type { Config } from "./config.js";
import type { Database } from "./db/open.js";
import { createMessengerWebhook } from "./handlers/webhooks/messenger.js";
import { createTelegramWebhook } from "./handlers/webhooks/telegram.js";
import { createZaloWebhook } from "./handlers/webhooks/zalo.js";
import type { Logger } from "./log.js";
import type { ChannelSender } from "./messaging/outbound.js";
import type { Ingest } from "./runtime/inbox.js";
import type { Poller } from "./wiring.js";

export interface ChannelWiring {
  senders: Map<string, ChannelSender>;
  routers: Router[];
  pollers: Poller[];
  enabled: string[];
}

/** Builds senders, webhook routers and pollers for the configured channels. */
export function wireChannels(config: Config, db: Database, ingest: Ingest, logger: Logger): ChannelWiring {
  const out: ChannelWiring = { senders: new Map(), routers: [], pollers: [], enabled: [] };
  const store = async (events: Parameters<Ingest>[0]): Promise<void> => {
    await ingest(events);
  };
  const tg = config.channels.telegram;
  if (tg) {
    out.senders.set("telegram", createTelegramSender({ token: tg.token, apiRoot: tg.apiRoot, logger, publicBaseUrl: config.publicBaseUrl }));
    if (tg.mode === "polling") {
      let poll: { stop(): Promise<void> } | null = null;
      out.pollers.push({
        start: () => {
          poll = startTelegramPolling({ token: tg.token, apiRoot: tg.apiRoot, ingest: store, logger });
        },
        stop: async () => {
          await poll?.stop();
        },
      });
    } else {
      out.routers.push(createTelegramWebhook({ secretToken: tg.webhookSecret!, ingest: store, api: new Api(tg.token, { apiRoot: tg.apiRoot }), logger }));
    }
    out.enabled.push(`telegram (${tg.mode})`);
  }
  const ms = config.channels.messenger;
  if (ms) {
    const client = createGraphClient({ pageAccessToken: ms.pageAccessToken, graphUrl: ms.graphUrl, appSecret: ms.appSecret });
    // our VietQR images are relative URLs: Meta fetches them from PUBLIC_BASE_URL
    out.senders.set("messenger", createMessengerSender({ client, logger, renderers: createMessengerRenderers({ publicBaseUrl: config.publicBaseUrl }) }));
    out.routers.push(createMessengerWebhook({ verifyToken: ms.verifyToken, appSecret: ms.appSecret, ingest: store, logger }));
    out.enabled.push("messenger");
  }
  const zl = config.channels.zalo;
  if (zl) {
    const tokenStore = createPrismaZaloTokenStore(db.prisma, { seed: { accessToken: zl.accessToken, refreshToken: zl.refreshToken } });
    const client = createZaloClient({ appId: zl.appId, appSecret: zl.appSecret, tokenStore, logger, apiUrl: zl.apiUrl, oauthUrl: zl.oauthUrl });
    out.senders.set("zalo", createZaloSender({ client, logger, renderers: createZaloRenderers({ publicBaseUrl: config.publicBaseUrl }) }));
    out.routers.push(createZaloWebhook({ appId: zl.appId, oaSecretKey: zl.oaSecretKey, ingest: store, logger, siteVerification: config.ZALO_SITE_VERIFICATION }));
    out.enabled.push("zalo");
  }
  for (const name of out.enabled) logger.info({ channel: name }, "channel on");
  return out;
}
