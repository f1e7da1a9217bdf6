/** Small pieces every channel renderer shares: label shortening, image URL resolution, the location hint. */

/** Appended to a location request where the platform has no "share location" button: the person types the place. */
export const LOCATION_HINT_VI = "Bạn hãy gõ tên xã/phường (và tỉnh/thành phố) nơi bạn đang ở.";

/** Shortens a label to `max` UTF-16 units at a word boundary when possible, ending with "…". */
export function shortenLabel(label: string, max: number): string {
  const s = label.normalize("NFC").trim();
  if (s.length <= max) return s;
  const room = s.slice(0, max - 1);
  const space = room.lastIndexOf(" ");
  // A word boundary only when it keeps most of the label; otherwise cut mid-word (on a code point boundary).
  const head = space >= Math.floor(max / 2) ? room.slice(0, space) : room.replace(/[\uD800-\uDBFF]$/, "");
  return `${head.trimEnd()}…`;
}

/** An absolute http(s) URL for `url`, resolving a relative one (our own QR images) against PUBLIC_BASE_URL; null when impossible. */
export function absoluteUrl(url: string, base: string | undefined): string | null {
  if (/^https?:\/\//i.test(url)) return url;
  if (!base) return null;
  try {
    return new URL(url, base.endsWith("/") ? base : `${base}/`).toString();
  } catch {
    return null;
  }
}
