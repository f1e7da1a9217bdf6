/**
 * Danger categories, following the forms of "xâm hại trẻ em" in Luật Trẻ em 2016 Art. 4 and the
 * prohibited acts of Art. 6, plus bullying and the emergencies a chatbot must not sit on.
 */
export const CATEGORIES = [
  "bao_luc",
  "boc_lot",
  "lao_dong_tre_em",
  "xam_hai_tinh_duc",
  "xam_hai_truc_tuyen",
  "mua_ban",
  "bat_coc",
  "bo_roi_bo_mat",
  "tao_hon",
  "bat_nat",
  "tu_tu",
  "cap_cuu_y_te",
  "duoi_nuoc",
  "tre_so_sinh_bi_bo_roi",
  "khac",
] as const;

export type Category = (typeof CATEGORIES)[number];

/** Vietnamese labels for messages and the staff console. */
export const CATEGORY_LABELS_VI: Record<Category, string> = {
  bao_luc: "Bạo lực",
  boc_lot: "Bóc lột",
  lao_dong_tre_em: "Lao động trẻ em",
  xam_hai_tinh_duc: "Xâm hại tình dục",
  xam_hai_truc_tuyen: "Xâm hại trên mạng",
  mua_ban: "Mua bán trẻ em",
  bat_coc: "Bắt cóc, mất tích",
  bo_roi_bo_mat: "Bỏ rơi, bỏ mặc",
  tao_hon: "Tảo hôn",
  bat_nat: "Bắt nạt",
  tu_tu: "Nguy cơ tự tử, tự hại",
  cap_cuu_y_te: "Cấp cứu y tế",
  duoi_nuoc: "Đuối nước",
  tre_so_sinh_bi_bo_roi: "Trẻ sơ sinh bị bỏ rơi",
  khac: "Khác",
};

/** True when the string is one of the category codes. */
export function isCategory(s: string): s is Category {
  return (CATEGORIES as readonly string[]).includes(s);
}
