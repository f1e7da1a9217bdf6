import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type Article, frontMatterSchema, MORE_MARKER, SHORT_MAX_CHARS } from "./types.js";

/** Default article folder: <repo>/content/guidance, resolved from this module's location. */
export const DEFAULT_GUIDANCE_DIR = fileURLToPath(new URL("../../content/guidance/", import.meta.url));

/** Raised when an article file cannot be parsed or breaks a content rule; the message names the file. */
export class ArticleContentError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`content/guidance: ${basename(file)}: ${detail}`);
    this.name = "ArticleContentError";
  }
}

const FRONT_MATTER_RE = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

/** Parses one article file's text (front matter + body) into an Article; throws ArticleContentError on bad content. */
export function parseArticle(text: string, file: string): Article {
  const m = FRONT_MATTER_RE.exec(text.normalize("NFC"));
  if (!m) throw new ArticleContentError(file, "missing YAML front matter between '---' lines");
  const [, yamlText = "", bodyText = ""] = m;

  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const hint = /compact mappings|Implicit map keys/.test(msg) ? ' (put a value that contains ": " in double quotes)' : "";
    throw new ArticleContentError(file, `invalid YAML${hint}: ${msg}`);
  }
  const parsed = frontMatterSchema.safeParse(raw);
  if (!parsed.success) throw new ArticleContentError(file, `invalid front matter: ${z.prettifyError(parsed.error)}`);
  const fm = parsed.data;

  const expectedId = basename(file).replace(/\.md$/, "");
  if (fm.id !== expectedId) throw new ArticleContentError(file, `id "${fm.id}" must equal the file name "${expectedId}"`);

  const parts = bodyText.split(MORE_MARKER);
  if (parts.length > 2) throw new ArticleContentError(file, `the marker ${MORE_MARKER} appears more than once`);
  const short = (parts[0] ?? "").trim();
  const moreText = (parts[1] ?? "").trim();
  if (short.length === 0) throw new ArticleContentError(file, "the short part (above the marker) is empty");
  const shortChars = [...short].length;
  if (shortChars > SHORT_MAX_CHARS) {
    throw new ArticleContentError(file, `the short part has ${shortChars} characters (max ${SHORT_MAX_CHARS})`);
  }
  return { ...fm, short, more: moreText.length > 0 ? moreText : null, file };
}

/** Loads and validates every `<id>.md` article in dir (README.md excluded), sorted by id; throws on any bad file or unknown related id. */
export function loadArticles(dir: string = DEFAULT_GUIDANCE_DIR): Article[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".md") && f.toLowerCase() !== "readme.md")
    .sort();
  const articles = files.map((f) => {
    const path = join(dir, f);
    return parseArticle(readFileSync(path, "utf8"), path);
  });
  const ids = new Set(articles.map((a) => a.id));
  for (const a of articles) {
    for (const r of a.related) {
      if (!ids.has(r)) throw new ArticleContentError(a.file, `related id "${r}" does not exist`);
    }
  }
  return articles.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
