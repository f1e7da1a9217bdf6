import { z } from "zod";

/**
 * Every environment variable, parsed once at start-up. A bad value stops the process with one clear line
 * (src/main.ts). Channels switch on when all their settings are present; a channel with only some of them
 * is off, and `channelProblems` says which are missing.
 */
const str = () => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().min(1).optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess((v) => (v === undefined || v === "" ? def : Number(v)), z.number().int().min(min).max(max));
const bool = (def: boolean) =>
  z.preprocess((v) => (v === undefined || v === "" ? def : ["1", "true", "yes", "on"].includes(String(v).toLowerCase())), z.boolean());

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(3000, 0, 65535),
  HOST: str().default("127.0.0.1"),
  /** PGlite data folder when DATABASE_URL is not set; also holds the development encryption key. */
  DATA_DIR: str().default("./data"),
  DATABASE_URL: str().refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), "must start with postgres:// or postgresql://"),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  /** "id:base64(32 bytes)" list, first is current. Required in production; generated into DATA_DIR otherwise. */
  ENCRYPTION_KEYS: str(),
  /** Base of links sent to staff (console case links) and of hosted images (QR codes). */
  PUBLIC_BASE_URL: str().refine((v) => v === undefined || /^https?:\/\//.test(v), "must be an http(s) URL"),
  /** What this process runs: everything, only the HTTP edge, or only the workers (runtime, outbox, timers). */
  ROLE: z.enum(["all", "web", "worker"]).default("all"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  TELEGRAM_BOT_TOKEN: str(),
  TELEGRAM_WEBHOOK_SECRET: str().refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), "only A-Z, a-z, 0-9, _ and - (1–256 characters)"),
  TELEGRAM_API_ROOT: str().default("https://api.telegram.org"),
  TELEGRAM_MODE: z.enum(["webhook", "polling"]).default("webhook"),

  MESSENGER_PAGE_ACCESS_TOKEN: str(),
  MESSENGER_APP_SECRET: str(),
  MESSENGER_VERIFY_TOKEN: str(),
  MESSENGER_GRAPH_URL: str().default("https://graph.facebook.com/v25.0"),

  ZALO_APP_ID: str(),
  ZALO_APP_SECRET: str(),
  ZALO_OA_SECRET_KEY: str(),
  ZALO_ACCESS_TOKEN: str(),
  ZALO_REFRESH_TOKEN: str(),
  ZALO_OA_API_URL: str().default("https://openapi.zalo.me"),
  ZALO_OAUTH_URL: str().default("https://oauth.zaloapp.com"),
  ZALO_SITE_VERIFICATION: str(),

  /** VietQR receiving account for money pledges. */
  VIETQR_BANK_BIN: str().refine((v) => v === undefined || /^\d{6}$/.test(v), "must be the 6-digit bank BIN"),
  VIETQR_ACCOUNT_NUMBER: str().refine((v) => v === undefined || /^[0-9A-Za-z]{4,19}$/.test(v), "must be 4–19 letters or digits"),
  VIETQR_ACCOUNT_NAME: str(),

  /** Escalation acknowledgement timeouts, in minutes, by risk level. */
  ESCALATION_TIMEOUT_IMMEDIATE_MIN: int(15, 1, 1440),
  ESCALATION_TIMEOUT_HIGH_MIN: int(60, 1, 2880),
  ESCALATION_TIMEOUT_OTHER_MIN: int(720, 1, 10080),
  /** Staff hand-off: minutes before an unanswered request tells the user to call 111, and before an idle hand-off returns to the bot. */
  HANDOFF_PICKUP_MIN: int(10, 1, 1440),
  HANDOFF_IDLE_MIN: int(60, 5, 10080),
  /** Minutes after which an unfinished urgent report becomes a case from what is known (the person may have been cut off). */
  REPORT_SAFETY_NET_MIN: int(10, 1, 1440),
  /** Retention: transcripts (message bodies) and closed cases (anonymised). */
  RETENTION_TRANSCRIPT_DAYS: int(365, 1, 36500),
  RETENTION_CLOSED_CASE_DAYS: int(1825, 1, 36500),

  /**
   * Optional language model (off by default; on when LLM_BASE_URL and LLM_MODEL are set). It only rephrases retrieved
   * articles (src/guidance/rephrase.ts). LLM_BASE_URL is an OpenAI-compatible base, e.g. https://api.openai.com/v1, or
   * Ollama's http://localhost:11434/v1 (no key needed). A model abroad is a cross-border transfer (Luật 91/2025 Art. 20).
   */
  LLM_BASE_URL: str(),
  LLM_MODEL: str(),
  LLM_API_KEY: str(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  publicBaseUrl: string;
  channels: {
    telegram: { token: string; webhookSecret?: string; apiRoot: string; mode: "webhook" | "polling" } | null;
    messenger: { pageAccessToken: string; appSecret: string; verifyToken: string; graphUrl: string } | null;
    zalo: { appId: string; appSecret: string; oaSecretKey: string; accessToken: string; refreshToken: string; apiUrl: string; oauthUrl: string } | null;
  };
  /** One line per channel that has some but not all of its settings. */
  channelProblems: string[];
  vietqr: { bankBin: string; accountNumber: string; accountName: string } | null;
}

export class ConfigError extends Error {}

function missing(env: Env, names: (keyof Env)[]): string[] {
  return names.filter((n) => env[n] === undefined) as string[];
}

/** Parses the environment; throws ConfigError with a one-line message naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`Invalid configuration — ${msg}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === "production" && !env.ENCRYPTION_KEYS) throw new ConfigError("Invalid configuration — ENCRYPTION_KEYS is required in production");
  const problems: string[] = [];
  const group = <T>(name: string, required: (keyof Env)[], make: () => T): T | null => {
    const absent = missing(env, required);
    if (absent.length === 0) return make();
    if (absent.length < required.length) problems.push(`${name} is off: missing ${absent.join(", ")}`);
    return null;
  };
  const telegramRequired: (keyof Env)[] = env.TELEGRAM_MODE === "polling" ? ["TELEGRAM_BOT_TOKEN"] : ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"];
  const channels: Config["channels"] = {
    telegram: group("Telegram", telegramRequired, () => ({ token: env.TELEGRAM_BOT_TOKEN!, webhookSecret: env.TELEGRAM_WEBHOOK_SECRET, apiRoot: env.TELEGRAM_API_ROOT, mode: env.TELEGRAM_MODE })),
    messenger: group("Messenger", ["MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN"], () => ({
      pageAccessToken: env.MESSENGER_PAGE_ACCESS_TOKEN!, appSecret: env.MESSENGER_APP_SECRET!, verifyToken: env.MESSENGER_VERIFY_TOKEN!, graphUrl: env.MESSENGER_GRAPH_URL,
    })),
    zalo: group("Zalo", ["ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN"], () => ({
      appId: env.ZALO_APP_ID!, appSecret: env.ZALO_APP_SECRET!, oaSecretKey: env.ZALO_OA_SECRET_KEY!, accessToken: env.ZALO_ACCESS_TOKEN!, refreshToken: env.ZALO_REFRESH_TOKEN!, apiUrl: env.ZALO_OA_API_URL, oauthUrl: env.ZALO_OAUTH_URL,
    })),
  };
  const vietqr = group("VietQR", ["VIETQR_BANK_BIN", "VIETQR_ACCOUNT_NUMBER", "VIETQR_ACCOUNT_NAME"], () => ({
    bankBin: env.VIETQR_BANK_BIN!, accountNumber: env.VIETQR_ACCOUNT_NUMBER!, accountName: env.VIETQR_ACCOUNT_NAME!,
  }));
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
  return { ...env, publicBaseUrl, channels, channelProblems: problems, vietqr };
}
