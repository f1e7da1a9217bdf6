import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { matchKey } from "../../src/text/index.js";
import { DEFAULT_GUIDANCE_DIR, loadArticles, parseArticle } from "../../src/guidance/load-articles.js";
import { isWithoutDiacritics, MORE_MARKER, SHORT_MAX_CHARS, TOPICS } from "../../src/guidance/types.js";
import { loadQuestionSets } from "./eval-lib.js";

const dir = DEFAULT_GUIDANCE_DIR;
const files = readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md").sort();

describe("guidance articles: each file", () => {
  it.each(files)("%s is a valid article", (f) => {
    const text = readFileSync(join(dir, f), "utf8");
    const a = parseArticle(text, join(dir, f));
    expect(a.id).toBe(f.replace(/\.md$/, ""));
    expect([...a.short].length).toBeLessThanOrEqual(SHORT_MAX_CHARS);
    expect(a.sources.length).toBeGreaterThanOrEqual(1);
    for (const s of a.sources) expect(s.date).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
    expect(a.questions.length).toBeGreaterThanOrEqual(3);
    expect(a.questions.length).toBeLessThanOrEqual(8);
    expect(a.questions.some(isWithoutDiacritics)).toBe(true);
    expect(a.related.length).toBeLessThanOrEqual(4);
    expect(text.split(MORE_MARKER).length).toBeLessThanOrEqual(2);
  });
});

describe("guidance library", () => {
  const articles = loadArticles();
  const ids = new Set(articles.map((a) => a.id));

  it("loads every file (related ids exist, ids unique)", () => {
    expect(articles).toHaveLength(files.length);
    expect(ids.size).toBe(articles.length);
    for (const a of articles) for (const r of a.related) expect(ids, `${a.id} → ${r}`).toContain(r);
  });

  it("has at least 60 articles", () => {
    expect(articles.length).toBeGreaterThanOrEqual(60);
  });

  it("has an article for every topic", () => {
    const covered = new Set(articles.map((a) => a.topic));
    expect(TOPICS.filter((t) => !covered.has(t))).toEqual([]);
  });

  it("cites a source and ends medical/danger articles with where to get help", () => {
    const danger = new Set(["thai-ky-1000-ngay", "tiem-chung", "duoi-nuoc", "tai-nan-thuong-tich"]);
    for (const a of articles.filter((x) => danger.has(x.topic))) {
      expect(`${a.short}\n${a.more ?? ""}`, a.id).toMatch(/115|111|113|khám|bác sĩ|cơ sở y tế|bệnh viện|đi viện/i);
    }
  });

  it("never promotes breast-milk substitutes (ND 100/2014)", () => {
    for (const a of articles) {
      expect(`${a.title}\n${a.short}\n${a.more ?? ""}`, a.id).not.toMatch(/sữa công thức tốt|nên (cho )?(bú|dùng) bình|sữa bột (tốt|thay)/i);
    }
  });

  it("evaluation questions point at real articles and do not copy front-matter questions", () => {
    const fmQuestions = new Set(articles.flatMap((a) => a.questions.map(matchKey)));
    for (const q of loadQuestionSets()) {
      expect(ids, `${q.file}: ${q.expected}`).toContain(q.expected);
      expect(fmQuestions.has(matchKey(q.q)), `${q.file} copies a front-matter question: ${q.q}`).toBe(false);
    }
  });
});

describe("parseArticle rejects bad content with the file name", () => {
  const good = readFileSync(join(dir, files[0] ?? ""), "utf8");
  const file = join(dir, files[0] ?? "x.md");

  it("missing front matter", () => {
    expect(() => parseArticle("no front matter", "/x/bad-file.md")).toThrow(/bad-file\.md/);
  });
  it("unknown topic", () => {
    expect(() => parseArticle(good.replace(/^topic: .*$/m, "topic: khong-co"), file)).toThrow(/topic/);
  });
  it("source without date", () => {
    const bad = good.replace(/^sources:\n/m, 'sources:\n  - { title: "Không ngày", publisher: "Ai đó" }\n');
    expect(() => parseArticle(bad, file)).toThrow(/date/);
  });
  it("short part too long", () => {
    const long = "x".repeat(SHORT_MAX_CHARS + 1);
    const bad = good.replace(/\n---\n/, `\n---\n${long}\n`);
    expect(() => parseArticle(bad, file)).toThrow(/characters/);
  });
  it("id different from the file name", () => {
    expect(() => parseArticle(good, "/x/other-name.md")).toThrow(/other-name/);
  });
  it("unquoted colon in YAML gets a hint", () => {
    const bad = good.replace(/^title: .*$/m, "title: Một: hai: ba");
    expect(() => parseArticle(bad, file)).toThrow(/double quotes|YAML/);
  });
});
