/**
 * /console/guidance ("Nội dung hỏi đáp"): the questions the article library could not answer (content gaps, newest
 * first, decrypted for the reader) and how parents rated the answers of each article (AnswerLog.helpful). A gap is
 * a parent's own words and may hold private details, so every view is audited. Admin and hotline (guidance.gaps).
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { decryptText } from "../../crypto/index.js";
import { AppError } from "../../errors.js";
import { consoleContext } from "./context.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { formatTime, html, type SafeHtml } from "./views/layout.js";

export const GAPS_PAGE_SIZE = 50;
const MAX_ARTICLES = 200;

const CHANNEL_LABELS: Record<string, string> = { zalo: "Zalo", messenger: "Messenger", telegram: "Telegram", webchat: "Web chat", terminal: "Thử nghiệm" };

const GapsQuery = z.object({
  before: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().regex(/^\d{1,19}$/).optional()),
});

export interface GapRow {
  id: bigint;
  text: string;
  channel: string;
  createdAt: Date;
}

export interface ArticleFeedbackRow {
  articleId: string;
  title: string | null;
  answers: number;
  helpful: number;
  notHelpful: number;
}

/** The page body: the content-gap table (with an "older" link) and the feedback table per article. */
export function guidanceBody(gaps: readonly GapRow[], hasMore: boolean, feedback: readonly ArticleFeedbackRow[], before: string | undefined): SafeHtml {
  const last = gaps[gaps.length - 1];
  return html`<h1>Nội dung hỏi đáp</h1>
<section class="card" aria-labelledby="h-gaps">
<h2 id="h-gaps">Câu hỏi chưa có câu trả lời</h2>
<p>Câu hỏi phụ huynh gửi mà thư viện bài viết chưa trả lời được, để bổ sung nội dung. Câu hỏi có thể chứa thông tin riêng tư: không sao chép ra ngoài hệ thống. Việc xem trang này được ghi nhật ký.</p>
${gaps.length === 0
    ? html`<p class="notice">Chưa có câu hỏi nào.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Câu hỏi chưa có câu trả lời"><table>
<thead><tr><th scope="col">Thời gian</th><th scope="col">Kênh</th><th scope="col">Câu hỏi</th></tr></thead>
<tbody>
${gaps.map((g) => html`<tr><td>${formatTime(g.createdAt)}</td><td>${CHANNEL_LABELS[g.channel] ?? g.channel}</td><td>${g.text}</td></tr>`)}
</tbody></table></div>`}
<nav class="pager" aria-label="Phân trang">
${before ? html`<a href="/console/guidance">« Mới nhất</a>` : ""}
${hasMore && last ? html`<a href="${`/console/guidance?before=${String(last.id)}`}">Cũ hơn »</a>` : ""}
</nav>
</section>
<section class="card" aria-labelledby="h-feedback">
<h2 id="h-feedback">Phản hồi theo bài viết</h2>
${feedback.length === 0
    ? html`<p class="notice">Chưa có câu trả lời nào.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Phản hồi theo bài viết"><table>
<thead><tr><th scope="col">Bài viết</th><th scope="col">Số lần trả lời</th><th scope="col">Hữu ích</th><th scope="col">Chưa hữu ích</th></tr></thead>
<tbody>
${feedback.map((f) => html`<tr><td>${f.title ?? f.articleId} <code>${f.articleId}</code></td><td>${f.answers}</td><td>${f.helpful}</td><td>${f.notHelpful}</td></tr>`)}
</tbody></table></div>`}
</section>`;
}

/** Answer counts and helpful yes/no per article, most answered first. */
async function feedbackFigures(req: Request, titleOf: (id: string) => string | null): Promise<ArticleFeedbackRow[]> {
  const rows = await consoleContext(req).prisma.$queryRawUnsafe<{ articleId: string; answers: number; helpful: number; notHelpful: number }[]>(
    `SELECT "articleId", count(*)::int AS answers,
            count(*) FILTER (WHERE helpful = true)::int AS helpful,
            count(*) FILTER (WHERE helpful = false)::int AS "notHelpful"
     FROM "AnswerLog" WHERE "articleId" IS NOT NULL
     GROUP BY "articleId" ORDER BY answers DESC, "articleId" LIMIT ${MAX_ARTICLES}`,
  );
  return rows.map((r) => ({ ...r, title: titleOf(r.articleId) }));
}

/** The guidance section; `titleOf` names an article id (from the loaded library), null when unknown. */
export function guidanceSection(opts: { titleOf: (id: string) => string | null }): ConsoleSectionSpec {
  async function show(req: Request, res: Response): Promise<void> {
    const parsed = GapsQuery.safeParse(req.query);
    if (!parsed.success) throw new AppError("bad_request", "Tham số không hợp lệ.");
    const before = parsed.data.before;
    const rows = await consoleContext(req).prisma.contentGap.findMany({
      where: before ? { id: { lt: BigInt(before) } } : {},
      orderBy: { id: "desc" },
      take: GAPS_PAGE_SIZE + 1,
    });
    const hasMore = rows.length > GAPS_PAGE_SIZE;
    const gaps: GapRow[] = rows.slice(0, GAPS_PAGE_SIZE).map((g) => {
      let text: string;
      try {
        text = decryptText(g.textEnc);
      } catch {
        text = "(không giải mã được)";
      }
      return { id: g.id, text, channel: g.channel, createdAt: g.createdAt };
    });
    // The questions may hold private details: who read which ones is recorded.
    await audit(req, "guidance.gaps_view", "content_gap", null, { count: gaps.length, newestId: gaps[0] ? String(gaps[0].id) : null, before: before ?? null });
    const feedback = await feedbackFigures(req, opts.titleOf);
    renderPage(req, res, { title: "Nội dung hỏi đáp", current: "guidance", body: guidanceBody(gaps, hasMore, feedback, before) });
  }
  return {
    id: "guidance",
    title: "Nội dung hỏi đáp",
    permission: "guidance.gaps",
    order: 55,
    description: "Câu hỏi chưa có câu trả lời và phản hồi của phụ huynh theo bài viết.",
    routes: ({ pages }) => {
      pages.get("/", show);
    },
  };
}
