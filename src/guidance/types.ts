import { z } from "zod";

/** Topic ids of the guidance library; keep in sync with content/guidance/README.md. */
export const TOPICS = [
  "thai-ky-1000-ngay",
  "sua-me-an-dam",
  "dinh-duong",
  "tiem-chung",
  "phat-trien",
  "vui-choi-hoc-som",
  "ky-luat-tich-cuc",
  "tuoi-teen",
  "duoi-nuoc",
  "tai-nan-thuong-tich",
  "an-toan-truc-tuyen",
  "xam-hai-tinh-duc",
  "bat-nat",
  "suc-khoe-tam-than",
  "khuyet-tat",
  "hoan-canh-dac-biet",
  "lao-dong-tre-em",
  "tao-hon",
  "quyen-tre-em-tro-giup",
  "bao-hiem-y-te",
] as const;

export type Topic = (typeof TOPICS)[number];

/** Marker between the short part (chat message) and the longer "Xem thêm" part. */
export const MORE_MARKER = "<!-- xem-them -->";

/** Maximum length of the short part, in characters (Unicode code points). */
export const SHORT_MAX_CHARS = 1200;

const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
// A year, a year-month or a full date; YAML may hand us an unquoted year as a number.
const SOURCE_DATE_RE = /^\d{4}(?:-\d{2}(?:-\d{2})?)?$/;

const isoDay = z.union([
  z.string().regex(DAY_RE, "expected yyyy-mm-dd"),
  z.date().transform((d) => d.toISOString().slice(0, 10)),
]);

export const sourceSchema = z.strictObject({
  title: z.string().trim().min(3),
  publisher: z.string().trim().min(2),
  url: z.url({ protocol: /^https?$/ }).optional(),
  date: z
    .union([z.string(), z.number().int()])
    .transform((d) => String(d).trim())
    .pipe(z.string().regex(SOURCE_DATE_RE, "expected a year, yyyy-mm or yyyy-mm-dd")),
});

/** True when the text has no non-ASCII letter, i.e. it was typed without Vietnamese diacritics. */
export function isWithoutDiacritics(text: string): boolean {
  return !/[^\x00-\x7F]/.test(text);
}

export const frontMatterSchema = z
  .strictObject({
    id: z.string().regex(ID_RE, "id must be kebab-case"),
    title: z.string().trim().min(5).max(120),
    topic: z.enum(TOPICS),
    ageMonths: z
      .strictObject({ min: z.number().int().min(0).max(216), max: z.number().int().min(0).max(216) })
      .refine((a) => a.min <= a.max, "ageMonths.min must be ≤ ageMonths.max"),
    questions: z
      .array(z.string().trim().min(5).max(200))
      .min(3)
      .max(8)
      .refine((qs) => qs.some(isWithoutDiacritics), "at least one question must be typed without diacritics"),
    sources: z.array(sourceSchema).min(1),
    lastReviewed: isoDay,
    related: z.array(z.string().regex(ID_RE)).max(4).default([]),
  })
  .refine((fm) => !fm.related.includes(fm.id), "an article cannot be related to itself");

export type FrontMatter = z.output<typeof frontMatterSchema>;
export type Source = z.output<typeof sourceSchema>;

/** One guidance article: validated front matter plus its two text parts. */
export interface Article extends FrontMatter {
  /** The chat message (text above the marker), trimmed. */
  short: string;
  /** The "Xem thêm" text below the marker, trimmed; null when there is none. */
  more: string | null;
  /** Absolute path of the source file (for error messages and tooling). */
  file: string;
}
