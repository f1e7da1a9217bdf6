/**
 * Records a report as a case, inside the processor's transaction: a BV-YYYY-NNNNNN code, private fields encrypted
 * (description, reporter's name and phone, place, shared location, attachment references), the Decree 56 deadlines,
 * the "received" timeline event and audit row, then the escalation to the commune worker(s) and 111. If any of it
 * fails, nothing is written and the person's message is processed again (the processor retries the whole batch).
 */
import { encryptJson, encryptOptional, encryptText } from "../crypto/index.js";
import { escalateNewCase } from "../escalation/escalate-case.js";
import type { EscalationDeps } from "../escalation/types.js";
import type { NewCaseInput } from "../flows/effects.js";
import { nextCode, vietnamYear } from "../runtime/next-code.js";
import { isCategory } from "../safety/index.js";
import { insertAttachments, insertAudit, insertCase, insertCaseEvent, type Db } from "./repository.js";
import { isUrgentRisk, type RiskLevel } from "./types.js";
import { addWorkingDays } from "./working-days.js";

export interface CaseDeadlines {
  /** Emergency protection within 12 hours of receipt (Art. 26 k.3, Art. 31 k.2) — urgent cases only. */
  protectionDueAt: Date | null;
  /** Support/intervention plan within 5 working days (Art. 28 k.1). */
  planDueAt: Date;
  /** Approval within 2 working days after the plan (Art. 28 k.4); recomputed when the plan is actually drafted. */
  approvalDueAt: Date;
}

/** The Decree 56/2017 deadlines of a case received at `receivedAt`. */
export function caseDeadlines(receivedAt: Date, urgent: boolean): CaseDeadlines {
  const planDueAt = addWorkingDays(receivedAt, 5);
  return {
    protectionDueAt: urgent ? new Date(receivedAt.getTime() + 12 * 3_600_000) : null,
    planDueAt,
    approvalDueAt: addWorkingDays(planDueAt, 2),
  };
}

export interface CreateCaseContext {
  contactId: string | null;
  channel: string;
  now: Date;
}

/** Creates the case and starts its escalation; returns its id and code. */
export async function createCase(tx: Db, deps: EscalationDeps, input: NewCaseInput, ctx: CreateCaseContext): Promise<{ id: string; code: string }> {
  const code = await nextCode(tx, "BV", vietnamYear(ctx.now));
  const risk: RiskLevel = input.riskLevel;
  const urgent = input.urgent || isUrgentRisk(risk);
  const due = caseDeadlines(ctx.now, urgent);
  const anonymous = input.anonymous || (!input.reporterName && !input.reporterPhone);
  const row = await insertCase(tx, {
    code,
    category: isCategory(input.category) ? input.category : "khac",
    status: "received",
    riskLevel: risk,
    urgent,
    provinceCode: input.provinceCode,
    communeCode: input.communeCode,
    reporterContactId: ctx.contactId,
    reporterChannel: ctx.channel,
    anonymous,
    reporterIsChild: input.reporterIsChild,
    childAge: input.childAge,
    childSex: input.childSex,
    inDangerNow: input.inDangerNow,
    suspectRelation: input.suspectRelation,
    whenText: input.whenText,
    matchedRules: input.matchedRules,
    descriptionEnc: encryptOptional(input.description),
    reporterNameEnc: anonymous ? null : encryptOptional(input.reporterName),
    reporterPhoneEnc: anonymous ? null : encryptOptional(input.reporterPhone),
    addressEnc: encryptOptional(input.placeText),
    locationEnc: input.location ? encryptJson(input.location) : null,
    receivedAt: ctx.now,
    ...due,
  });
  await insertAttachments(
    tx,
    row.id,
    input.attachments.map((a) => ({ channel: ctx.channel, refEnc: encryptText(JSON.stringify(a)), addedBy: "reporter", at: ctx.now })),
  );
  await insertCaseEvent(tx, {
    caseId: row.id,
    type: "received",
    actor: "reporter",
    at: ctx.now,
    data: { channel: ctx.channel, riskLevel: risk, urgent, anonymous, reporterIsChild: input.reporterIsChild, attachments: input.attachments.length },
  });
  await insertAudit(tx, { actor: ctx.contactId ? `reporter:${ctx.contactId}` : "reporter", action: "case.created", entityId: row.id, at: ctx.now, details: { code, channel: ctx.channel, riskLevel: risk } });
  await escalateNewCase(tx, deps, row.id, ctx.now);
  return { id: row.id, code };
}
