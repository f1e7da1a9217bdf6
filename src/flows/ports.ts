/**
 * Read-only lookups a flow step may use. The runtime injects real implementations (backed by the directory
 * data, the guidance index and the database); tests inject small fakes. Nothing here writes.
 */

export interface ProvinceHit {
  code: string;
  name: string;
  score: number;
}

export interface CommuneHit {
  code: string;
  name: string;
  fullName: string;
  provinceCode: string;
  provinceName: string;
  /** "name": matched the 2025 name; "old_name": matched a pre-2025 commune/district it was formed from. */
  via: "name" | "old_name";
  /** The old unit that matched (when via = old_name), e.g. "Xã Tân Lập (huyện Đan Phượng)". */
  oldName?: string;
  /** Whether the old unit was split between several new communes (ask the person to pick). */
  partial?: boolean;
  score: number;
}

export interface DirectoryPort {
  /** Provinces best matching free text (2025 names, old province names, with or without diacritics). */
  findProvince(text: string): ProvinceHit[];
  /** Communes best matching free text inside a province (or anywhere when null), incl. pre-2025 names. */
  findCommune(provinceCode: string | null, text: string): CommuneHit[];
  /** Display name of a province or commune code ("Xã …, Tỉnh …"), or null. */
  unitName(code: string): string | null;
}

export interface GuidanceHit {
  articleId: string;
  title: string;
  /** The chat-sized answer. */
  body: string;
  /** Whether there is a "xem thêm" part. */
  hasMore: boolean;
  /** "Nguồn: …" line. */
  sourceLine: string;
  related: { id: string; title: string }[];
  score: number;
  /** The article's topic (content/guidance/README.md), so flows can add the 111 reminder on sensitive ones. */
  topic?: string;
}

export interface GuidancePort {
  answer(query: string): { kind: "answer"; hit: GuidanceHit } | { kind: "no_match" };
  article(id: string): (GuidanceHit & { more: string }) | null;
  /**
   * Present only when the optional language model is configured: the hit's body rewritten for `question` from the
   * article alone, ending with the hit's source line; on any failure the body and source line unchanged. Never throws.
   * Flows call it only for messages triage found nothing in.
   */
  rephrase?(question: string, hit: GuidanceHit): Promise<string>;
}

export interface CaseStatusView {
  code: string;
  /** Plain-words status in Vietnamese, no private details. */
  statusText: string;
  updatedAt: Date;
  closed: boolean;
}

export interface CaseLookupPort {
  /** Status of a case by its code (no private details), or null when unknown. */
  statusByCode(code: string): Promise<CaseStatusView | null>;
}

export interface NeedSummary {
  code: string;
  facility: string;
  communeName: string;
  provinceCode: string;
  category: string;
  childrenCount: number;
  quantity: number;
  unit: string;
  amountVnd: number | null;
  pledgedVnd: number;
  neededBy: string | null;
  status: string;
}

/** Public totals in integer đồng (money only; goods are on the public page). */
export interface TransparencyFigures {
  label: string;
  neededVnd: number;
  pledgedVnd: number;
  receivedVnd: number;
  deliveredVnd: number;
}

export interface TransparencySummary {
  categories: TransparencyFigures[];
  total: TransparencyFigures;
  /** Absolute URL of the public transparency page. */
  pageUrl: string;
}

export interface NeedsPort {
  listPublished(filter: { provinceCode?: string; category?: string; limit: number }): Promise<NeedSummary[]>;
  byCode(code: string): Promise<NeedSummary | null>;
  /** Whether money pledges can get a VietQR (a receiving account is configured). */
  vietqrEnabled(): boolean;
  /** Public totals per category and in all (optional: absent when the donations module is not wired). */
  totals?(): Promise<TransparencySummary>;
}

export interface FlowPorts {
  directory: DirectoryPort;
  guidance: GuidancePort;
  cases: CaseLookupPort;
  needs: NeedsPort;
}
