/*
 * Zalo domain verification ("Xác thực domain" in the app console): Zalo accepts either a meta tag in the head of the
 * site's home page or an HTML file `zalo_verifier<code>.html` at the site root. Both are offered so the operator can
 * use whichever the console shows; the code is ZALO_SITE_VERIFICATION.
 */

/** The tag for the web chat page head, e.g. `<meta name="zalo-platform-site-verification" content="…">`; "" without a token. */
export function zaloVerificationMeta(token?: string): string {
  if (!token) return "";
  return `<meta name="zalo-platform-site-verification" content="${escapeHtml(token)}" />`;
}

/** The verifier file's name for a token (served at the site root). */
export function zaloVerifierFileName(token: string): string {
  return `zalo_verifier${token}.html`;
}

/** The verifier file's body: a minimal page carrying the same meta tag. */
export function zaloVerifierHtml(token: string): string {
  return `<!doctype html>\n<html><head>${zaloVerificationMeta(token)}</head><body>Zalo domain verification</body></html>\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
