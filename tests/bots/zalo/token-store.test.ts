import { afterAll, describe, expect, it } from "vitest";
import { createPrismaZaloTokenStore, ZaloChannelDisabledError, ZaloRefreshError, type RefreshedTokens } from "../../../src/bots/zalo/token-store.js";
import { createZaloClient } from "../../../src/bots/zalo/zalo-client.js";
import { logger } from "../../../src/log.js";
import { startFakeZaloApi } from "../../fakes/zalo-api.js";
import { createTestDb, postgresAvailable, type TestDb } from "../../support/test-db.js";

const pgOk = await postgresAvailable();

/** A refresh function that hands out numbered pairs and counts calls; optionally slow, to widen race windows. */
function counter(delayMs = 0) {
  let n = 0;
  const seen: string[] = [];
  const refresh = async (refreshToken: string): Promise<RefreshedTokens> => {
    seen.push(refreshToken);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    n += 1;
    return { accessToken: `at-${n}`, refreshToken: `rt-${n}`, expiresInSec: 90_000 };
  };
  return { refresh, seen, calls: () => n };
}

describe.each([
  ["pglite", true],
  ["postgres", pgOk],
] as const)("Prisma Zalo token store on %s", (kind, available) => {
  const dbs: TestDb[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.close();
  });
  const open = async () => {
    const db = await createTestDb(kind);
    dbs.push(db);
    return db;
  };

  it.skipIf(!available)("seeds once from the environment, stores tokens encrypted, and rotates the pair", async () => {
    const db = await open();
    const store = createPrismaZaloTokenStore(db.prisma, { seed: { accessToken: "env-at", refreshToken: "env-rt" } });
    expect(await store.current()).toEqual({ accessToken: "env-at", refreshToken: "env-rt", accessExpiresAt: null });

    const row = await db.prisma.channelToken.findUniqueOrThrow({ where: { channel: "zalo" } });
    expect(Buffer.from(row.accessTokenEnc ?? new Uint8Array()).toString("latin1")).not.toContain("env-at");
    expect(Buffer.from(row.refreshTokenEnc ?? new Uint8Array()).toString("latin1")).not.toContain("env-rt");

    const c = counter();
    expect(await store.rotate(c.refresh)).toBe("at-1");
    expect(c.seen).toEqual(["env-rt"]);
    expect(await store.current()).toMatchObject({ accessToken: "at-1", refreshToken: "rt-1" });
    expect((await store.current())?.accessExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 89_000_000);

    // A restart with the (now stale) environment tokens must not overwrite the rotated pair.
    const restarted = createPrismaZaloTokenStore(db.prisma, { seed: { accessToken: "env-at", refreshToken: "env-rt" } });
    expect(await restarted.current()).toMatchObject({ accessToken: "at-1", refreshToken: "rt-1" });
  });

  it.skipIf(!available)("with a stale access token, a second rotation returns the successor without refreshing again", async () => {
    const db = await open();
    // Two "instances" started from the same environment.
    const seed = { accessToken: "at-0", refreshToken: "rt-0" };
    const a = createPrismaZaloTokenStore(db.prisma, { seed });
    const b = createPrismaZaloTokenStore(db.prisma, { seed });
    const c = counter(50);
    // Both saw the same rejected token at once.
    const others = [createPrismaZaloTokenStore(db.prisma, { seed }), createPrismaZaloTokenStore(db.prisma, { seed })];
    const results = await Promise.all([a, b, ...others].map((s) => s.rotate(c.refresh, "at-0")));
    expect(results).toEqual(["at-1", "at-1", "at-1", "at-1"]);
    expect(c.calls()).toBe(1);
    expect(c.seen).toEqual(["rt-0"]);
  });

  it.skipIf(!available)("a permanent refresh failure disables the channel and stores the reason; a transient one changes nothing", async () => {
    const db = await open();
    const store = createPrismaZaloTokenStore(db.prisma, { seed: { accessToken: "at-0", refreshToken: "rt-0" } });
    await expect(store.rotate(async () => Promise.reject(new ZaloRefreshError(false, "HTTP 502")))).rejects.toThrow(/502/);
    expect(await store.disabledReason()).toBeNull();
    expect(await store.current()).toMatchObject({ refreshToken: "rt-0" });

    await expect(store.rotate(async () => Promise.reject(new ZaloRefreshError(true, "zalo token refresh rejected: error -14014")))).rejects.toThrow(/-14014/);
    expect(await store.disabledReason()).toMatch(/-14014/);
    expect(await store.current()).toBeNull();
    await expect(store.rotate(counter().refresh)).rejects.toBeInstanceOf(ZaloChannelDisabledError);

    // An operator re-authorises the OA: replace() re-enables it.
    await store.replace({ accessToken: "new-at", refreshToken: "new-rt" });
    expect(await store.disabledReason()).toBeNull();
    expect(await store.current()).toMatchObject({ accessToken: "new-at" });
  });

  it.skipIf(!available)("drives the real client: -216 → refresh against the fake → new pair persisted → retry succeeds", async () => {
    const db = await open();
    const zalo = await startFakeZaloApi();
    try {
      const store = createPrismaZaloTokenStore(db.prisma, { seed: { accessToken: zalo.accessToken, refreshToken: zalo.refreshToken } });
      const client = createZaloClient({ appId: zalo.appId, appSecret: zalo.appSecret, tokenStore: store, logger, apiUrl: zalo.url, oauthUrl: zalo.url });
      zalo.expireAccessToken();
      expect(await client.sendMessage("246845883529197922", { text: "Xin chào" })).toMatchObject({ ok: true });
      expect(await store.current()).toMatchObject({ accessToken: "zat-1", refreshToken: "zrt-1" });
      expect(zalo.valid()).toEqual({ accessToken: "zat-1", refreshToken: "zrt-1" });

      zalo.expireAccessToken();
      zalo.failNextRefresh();
      expect(await client.sendMessage("246845883529197922", { text: "Xin chào" })).toMatchObject({ ok: false, result: { retryable: false } });
      const row = await db.prisma.channelToken.findUniqueOrThrow({ where: { channel: "zalo" } });
      expect(row.disabledReason).toMatch(/-14014/);
    } finally {
      await zalo.close();
    }
  });
});
