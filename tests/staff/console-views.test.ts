/** Pure pieces of the console: the escaping `html` template, the cookie parser, the post-sign-in redirect filter. */
import { describe, expect, it } from "vitest";
import { parseCookies, serializeCookie } from "../../src/handlers/console/cookies.js";
import { safeNextPath } from "../../src/handlers/console/middleware.js";
import { escapeHtml, html, layout, raw, safeHref, SafeHtml } from "../../src/handlers/console/views/layout.js";
import { loginPage } from "../../src/handlers/console/views/pages.js";

describe("html template", () => {
  it("escapes every interpolation by default", () => {
    const name = `<img src=x onerror="alert(1)">'&`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(`<p title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;</p>`);
  });

  it("nests html fragments and arrays without double escaping, and drops null/undefined/false", () => {
    const items = ["a<b", "c&d"].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe("<ul><li>a&lt;b</li><li>c&amp;d</li></ul>0");
  });

  it("trusts only raw() and real SafeHtml, not look-alike objects", () => {
    expect(html`${raw("<b>ok</b>")}`.value).toBe("<b>ok</b>");
    const fake = { value: "<script>x</script>" } as unknown as SafeHtml;
    expect(html`${fake}`.value).not.toContain("<script>");
    const json = JSON.parse('{"value":"<script>x</script>"}') as SafeHtml;
    expect(html`${json}`.value).not.toContain("<script>");
  });

  it("escapes the escape-relevant characters", () => {
    expect(escapeHtml(`&<>"'\``)).toBe("&amp;&lt;&gt;&quot;&#39;&#96;");
    expect(escapeHtml("Nguyễn Thị Ánh")).toBe("Nguyễn Thị Ánh");
  });

  it("keeps only safe hrefs", () => {
    expect(safeHref("/console/cases")).toBe("/console/cases");
    expect(safeHref("https://caunoi.vn/x")).toBe("https://caunoi.vn/x");
    for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "//evil.example", "/\\evil.example", "data:text/html,x", "vbscript:x"]) expect(safeHref(bad), bad).toBe("#");
  });

  it("renders an accessible layout: lang, skip link, labelled nav, no inline script or style", () => {
    const page = layout({ title: "T<", body: html`<h1>x</h1>`, staff: { displayName: "A", roleLabel: "B" }, nav: [{ id: "cases", title: "Hồ sơ", href: "/console/cases" }], current: "cases", csrfToken: "tok" }).value;
    expect(page).toContain('<html lang="vi">');
    expect(page).toContain('href="#main"');
    expect(page).toContain('<main id="main"');
    expect(page).toContain('aria-current="page"');
    expect(page).toContain('<input type="hidden" name="_csrf" value="tok">');
    expect(page).toContain("<title>T&lt; · Cầu Nối</title>");
    expect(page).not.toMatch(/<script>|<style|style="|onclick|onload/);
  });

  it("escapes what the user typed back into the sign-in form", () => {
    const page = loginPage({ error: "x", username: `"><script>alert(1)</script>`, next: `/console"><x` }).value;
    expect(page).not.toContain("<script>alert");
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;');
  });
});

describe("cookies", () => {
  it("parses the first occurrence, trims, decodes, and skips junk", () => {
    const c = parseCookies(`a=1; cn_session=abc%2Fdef; cn_session=second; junk; =x; b="q"; bad=%E0%A4%A`);
    expect(c.get("cn_session")).toBe("abc/def");
    expect(c.get("a")).toBe("1");
    expect(c.get("b")).toBe("q");
    expect(c.has("bad")).toBe(false);
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies("x=" + "a".repeat(9000)).size).toBe(0);
  });

  it("serialises with flags and refuses injection", () => {
    expect(serializeCookie("cn_session", "a;b", { path: "/console", httpOnly: true, secure: true, sameSite: "Strict", maxAge: 60 })).toBe("cn_session=a%3Bb; Path=/console; Max-Age=60; HttpOnly; Secure; SameSite=Strict");
    expect(serializeCookie("x", "", { path: "/", httpOnly: false, secure: false, sameSite: "Lax", maxAge: 0 })).toContain("Expires=Thu, 01 Jan 1970");
    expect(() => serializeCookie("a;b", "v", { path: "/", httpOnly: true, secure: false, sameSite: "Strict" })).toThrow();
  });
});

describe("post-sign-in redirect", () => {
  it("allows only console paths of this site", () => {
    expect(safeNextPath("/console")).toBe("/console");
    expect(safeNextPath("/console/cases/BV-2026-000001?tab=notes")).toBe("/console/cases/BV-2026-000001?tab=notes");
    for (const bad of ["//evil.example", "/console//evil", "https://evil.example/console", "/consolex", "/console/login", "/console/logout", "/console\\evil", "/console/a b", "javascript:alert(1)", 42, undefined]) {
      expect(safeNextPath(bad), String(bad)).toBeNull();
    }
  });
});
