import { decryptText, encryptText } from "../../crypto/index.js";
import type { PrismaClient } from "../../generated/prisma/client.js";

/*
 * Zalo OA tokens: the access token lives 25 h, the refresh token 3 months and is SINGLE-USE — every refresh returns
 * a new pair and kills the old refresh token (channels.md §3.3). Two instances refreshing with the same refresh
 * token would leave one of them (and then both) locked out, so a rotation holds a row lock and the new pair is
 * committed before anyone uses it.
 */

export interface ZaloTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (null when unknown, e.g. right after seeding from the environment). */
  accessExpiresAt: Date | null;
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSec: number;
}

/** A refresh that did not work. `permanent` (Zalo rejected the refresh token) disables the channel; otherwise retry later. */
export class ZaloRefreshError extends Error {
  constructor(
    readonly permanent: boolean,
    reason: string,
  ) {
    super(reason);
    this.name = "ZaloRefreshError";
  }
}

/** The channel has no usable tokens (never configured, or disabled after a failed refresh). */
export class ZaloChannelDisabledError extends Error {
  constructor(readonly reason: string) {
    super(`zalo channel disabled: ${reason}`);
    this.name = "ZaloChannelDisabledError";
  }
}

export interface ZaloTokenStore {
  /** The usable tokens, or null when the channel is disabled or has none. */
  current(): Promise<ZaloTokens | null>;
  /**
   * Refreshes under a lock and stores the new pair before returning the new access token. With `staleAccessToken`,
   * nothing is refreshed when another instance already replaced that token: its successor is returned instead.
   * Throws ZaloRefreshError (a permanent one disables the channel first) or ZaloChannelDisabledError.
   */
  rotate(refresh: (refreshToken: string) => Promise<RefreshedTokens>, staleAccessToken?: string): Promise<string>;
  /** Marks the channel unusable with a reason for the operators (sends then fail permanently). */
  disable(reason: string): Promise<void>;
  /** Why the channel is disabled, or null. */
  disabledReason(): Promise<string | null>;
  /** Installs a fresh pair from a new OA authorisation and re-enables the channel (operator action). */
  replace(tokens: { accessToken: string; refreshToken: string; accessExpiresAt?: Date | null }): Promise<void>;
}

export interface TokenCipher {
  encryptText(plain: string): Buffer;
  decryptText(data: Uint8Array): string;
}

export interface PrismaZaloTokenStoreOptions {
  /** ZALO_ACCESS_TOKEN / ZALO_REFRESH_TOKEN: written once when no row exists yet; later the database is the truth. */
  seed?: { accessToken: string; refreshToken: string };
  /** Defaults to src/crypto (ENCRYPTION_KEYS). */
  cipher?: TokenCipher;
  /** ChannelToken.channel key; one row per OA. */
  channel?: string;
  now?: () => Date;
  /** Interactive transaction timeout; the refresh HTTP call runs inside it. */
  transactionTimeoutMs?: number;
}

const DISABLED_REASON_MAX = 500;

/** Creates the production token store on the ChannelToken table (tokens encrypted at rest, rotation under SELECT … FOR UPDATE). */
export function createPrismaZaloTokenStore(prisma: PrismaClient, options: PrismaZaloTokenStoreOptions = {}): ZaloTokenStore {
  const channel = options.channel ?? "zalo";
  const cipher = options.cipher ?? { encryptText, decryptText };
  const now = options.now ?? (() => new Date());
  let seeded: Promise<void> | null = null;
  // Prisma's Bytes type is Uint8Array<ArrayBuffer>; a Node Buffer may sit on a shared pool, so copy into a plain one.
  const enc = (plain: string): Uint8Array<ArrayBuffer> => new Uint8Array(cipher.encryptText(plain));

  function ensureSeeded(): Promise<void> {
    seeded ??= (async () => {
      if (!options.seed) return;
      // skipDuplicates: a restart (or a second instance) never overwrites a pair that has rotated since.
      await prisma.channelToken.createMany({
        data: [{ channel, accessTokenEnc: enc(options.seed.accessToken), refreshTokenEnc: enc(options.seed.refreshToken) }],
        skipDuplicates: true,
      });
    })().catch((err: unknown) => {
      seeded = null;
      throw err;
    });
    return seeded;
  }

  function decode(row: { accessTokenEnc: Uint8Array | null; refreshTokenEnc: Uint8Array | null; accessExpiresAt: Date | null }): ZaloTokens | null {
    if (!row.accessTokenEnc || !row.refreshTokenEnc) return null;
    return { accessToken: cipher.decryptText(row.accessTokenEnc), refreshToken: cipher.decryptText(row.refreshTokenEnc), accessExpiresAt: row.accessExpiresAt };
  }

  return {
    async current() {
      await ensureSeeded();
      const row = await prisma.channelToken.findUnique({ where: { channel } });
      if (!row || row.disabledReason) return null;
      return decode(row);
    },

    async rotate(refresh, staleAccessToken) {
      await ensureSeeded();
      const outcome = await prisma.$transaction(
        async (tx) => {
          // The row lock serialises rotations across instances; findUnique below reads under it. Only a row that was
          // actually locked may be read: a row inserted after this statement would be read unlocked (and raced).
          const locked = await tx.$queryRaw<{ channel: string }[]>`SELECT "channel" FROM "ChannelToken" WHERE "channel" = ${channel} FOR UPDATE`;
          if (locked.length === 0) return { kind: "disabled" as const, reason: "no Zalo tokens configured" };
          const row = await tx.channelToken.findUnique({ where: { channel } });
          if (!row) return { kind: "disabled" as const, reason: "no Zalo tokens configured" };
          if (row.disabledReason) return { kind: "disabled" as const, reason: row.disabledReason };
          const tokens = decode(row);
          if (!tokens) return { kind: "disabled" as const, reason: "no Zalo tokens configured" };
          if (staleAccessToken !== undefined && tokens.accessToken !== staleAccessToken) return { kind: "ok" as const, accessToken: tokens.accessToken };
          let fresh: RefreshedTokens;
          try {
            fresh = await refresh(tokens.refreshToken);
          } catch (err) {
            if (err instanceof ZaloRefreshError && err.permanent) {
              // Written in this transaction (not thrown out of it, which would roll the write back).
              await tx.channelToken.update({ where: { channel }, data: { disabledReason: err.message.slice(0, DISABLED_REASON_MAX) } });
              return { kind: "refresh_failed" as const, error: err };
            }
            throw err;
          }
          await tx.channelToken.update({
            where: { channel },
            data: {
              accessTokenEnc: enc(fresh.accessToken),
              refreshTokenEnc: enc(fresh.refreshToken),
              accessExpiresAt: new Date(now().getTime() + fresh.expiresInSec * 1000),
            },
          });
          return { kind: "ok" as const, accessToken: fresh.accessToken };
        },
        { timeout: options.transactionTimeoutMs ?? 20_000, maxWait: 10_000 },
      );
      if (outcome.kind === "disabled") throw new ZaloChannelDisabledError(outcome.reason);
      if (outcome.kind === "refresh_failed") throw outcome.error;
      return outcome.accessToken;
    },

    async disable(reason) {
      await ensureSeeded();
      const disabledReason = reason.slice(0, DISABLED_REASON_MAX);
      await prisma.channelToken.upsert({ where: { channel }, create: { channel, disabledReason }, update: { disabledReason } });
    },

    async disabledReason() {
      await ensureSeeded();
      const row = await prisma.channelToken.findUnique({ where: { channel }, select: { disabledReason: true, accessTokenEnc: true } });
      if (!row) return "no Zalo tokens configured";
      return row.disabledReason ?? (row.accessTokenEnc ? null : "no Zalo tokens configured");
    },

    async replace(tokens) {
      const data = {
        accessTokenEnc: enc(tokens.accessToken),
        refreshTokenEnc: enc(tokens.refreshToken),
        accessExpiresAt: tokens.accessExpiresAt ?? null,
        disabledReason: null,
      };
      await prisma.channelToken.upsert({ where: { channel }, create: { channel, ...data }, update: data });
    },
  };
}

/** The in-memory store for unit tests and the local console: same semantics, one process, a promise chain as the lock. */
export function createMemoryZaloTokenStore(initial?: { accessToken: string; refreshToken: string; accessExpiresAt?: Date | null }, now: () => Date = () => new Date()) {
  let tokens: ZaloTokens | null = initial ? { accessExpiresAt: null, ...initial } : null;
  let disabled: string | null = null;
  let lock: Promise<unknown> = Promise.resolve();
  let rotations = 0;

  const store: ZaloTokenStore & { snapshot(): { tokens: ZaloTokens | null; disabledReason: string | null; rotations: number } } = {
    async current() {
      return disabled || !tokens ? null : { ...tokens };
    },
    rotate(refresh, staleAccessToken) {
      const run = lock.then(async () => {
        if (disabled) throw new ZaloChannelDisabledError(disabled);
        if (!tokens) throw new ZaloChannelDisabledError("no Zalo tokens configured");
        if (staleAccessToken !== undefined && tokens.accessToken !== staleAccessToken) return tokens.accessToken;
        try {
          const fresh = await refresh(tokens.refreshToken);
          tokens = { accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, accessExpiresAt: new Date(now().getTime() + fresh.expiresInSec * 1000) };
          rotations++;
          return fresh.accessToken;
        } catch (err) {
          if (err instanceof ZaloRefreshError && err.permanent) disabled = err.message.slice(0, DISABLED_REASON_MAX);
          throw err;
        }
      });
      lock = run.catch(() => undefined);
      return run;
    },
    async disable(reason) {
      disabled = reason.slice(0, DISABLED_REASON_MAX);
    },
    async disabledReason() {
      return disabled ?? (tokens ? null : "no Zalo tokens configured");
    },
    async replace(t) {
      tokens = { accessToken: t.accessToken, refreshToken: t.refreshToken, accessExpiresAt: t.accessExpiresAt ?? null };
      disabled = null;
    },
    snapshot: () => ({ tokens: tokens ? { ...tokens } : null, disabledReason: disabled, rotations }),
  };
  return store;
}
