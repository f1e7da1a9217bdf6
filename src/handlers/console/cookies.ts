/**
 * A tiny cookie parser/serialiser (RFC 6265 subset) so the console needs no cookie package. We only ever read our
 * own cookie, so the parser is strict and small: malformed pairs are skipped, never thrown on.
 */

/** Parses a Cookie header into name → value; the FIRST occurrence of a name wins (browsers send the most specific path first). */
export function parseCookies(header: string | undefined | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header || header.length > 8192) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (!name || out.has(name)) continue;
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // A value with a broken %-escape is not one we set; ignore it rather than fail the request.
    }
  }
  return out;
}

export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "Strict" | "Lax";
  /** seconds; 0 deletes the cookie */
  maxAge?: number;
}

/** Serialises one Set-Cookie value; refuses names/values that could inject attributes. */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error("invalid cookie name");
  const encoded = encodeURIComponent(value);
  const parts = [`${name}=${encoded}`, `Path=${opts.path}`];
  if (opts.maxAge !== undefined) {
    parts.push(`Max-Age=${Math.max(0, Math.floor(opts.maxAge))}`);
    if (opts.maxAge <= 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  }
  if (opts.httpOnly) parts.push("HttpOnly");
  if (opts.secure) parts.push("Secure");
  parts.push(`SameSite=${opts.sameSite}`);
  return parts.join("; ");
}
