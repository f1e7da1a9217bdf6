/**
 * What a flow step asks the runtime to do, besides replying. The runtime applies every effect in the same
 * transaction as the new conversation state and the message log (src/runtime/apply-effects.ts).
 * Effects that create a record carry a `ref`; replies may contain `{{ref}}`, which the runtime replaces with
 * the record's human-readable code (e.g. BV-2026-000123) once it exists.
 */
import type { Attachment } from "../messaging/inbound.js";

export interface NewCaseInput {
  category: string;
  riskLevel: "immediate" | "high" | "medium" | "low";
  urgent: boolean;
  inDangerNow: "yes" | "no" | "unknown";
  provinceCode: string | null;
  communeCode: string | null;
  /** What happened, in the reporter's words (private: encrypted). */
  description: string | null;
  whenText: string | null;
  childAge: number | null;
  childSex: "nam" | "nu" | null;
  suspectRelation: string | null;
  reporterIsChild: boolean;
  anonymous: boolean;
  reporterName: string | null;
  reporterPhone: string | null;
  /** Free-text place as given (private), and a shared location if any (private). */
  placeText: string | null;
  location: { lat: number; lng: number } | null;
  attachments: Attachment[];
  /** Safety rules that matched (explainability). */
  matchedRules: string[];
}

export interface NewNeedInput {
  facility: string;
  provinceCode: string;
  communeCode: string;
  category: string;
  childrenCount: number;
  quantity: number;
  unit: string;
  amountVnd: number | null;
  neededBy: string | null; // YYYY-MM-DD
  description: string;
  contactName: string | null;
  contactPhone: string | null;
}

export interface NewPledgeInput {
  kind: "money" | "goods";
  needCode: string | null;
  amountVnd: number | null;
  items: string | null;
  quantity: number | null;
  publicName: string | null;
  contact: string | null;
}

export type Effect =
  /** `urgentAt`: the urgent report's safety net to settle (cancel it, or add to the case it already created). */
  | { type: "create_case"; ref: string; input: NewCaseInput; urgentAt?: string }
  /** An urgent report is under way: if it is not finished in REPORT_SAFETY_NET_MIN, a case is made from what is known. */
  | { type: "arm_report_safety_net"; urgentAt: string }
  | { type: "add_case_info"; caseCode: string; text: string | null; attachments: Attachment[] }
  | { type: "create_need"; ref: string; input: NewNeedInput }
  | { type: "create_pledge"; ref: string; input: NewPledgeInput }
  | { type: "set_consent"; purpose: string; given: boolean }
  | { type: "subscribe_tips"; birthMonth: string }
  | { type: "unsubscribe_tips" }
  | { type: "donor_alerts"; subscribe: boolean; category: string | null; provinceCode: string | null }
  | { type: "request_handoff"; reason: string }
  /** The person withdrew a hand-off request that nobody has taken yet. */
  | { type: "cancel_handoff" }
  | { type: "answer_logged"; articleId: string | null; score: number; questionKey: string }
  | { type: "answer_feedback"; helpful: boolean }
  | { type: "content_gap"; text: string }
  /** A staff member tapped "Đã nhận" on an escalation notification (checked against the escalation's recipient). */
  | { type: "acknowledge_escalation"; escalationId: string }
  /** A staff member links this chat account to their console account with a one-time code ("/start link-XXXX"). */
  | { type: "link_staff_account"; code: string }
  /** The person chose the language of the bot ("english" / "tiếng việt"). */
  | { type: "set_locale"; locale: "vi" | "en" };

export type EffectType = Effect["type"];
