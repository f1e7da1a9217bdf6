/**
 * The stylesheet of the public pages, served as a file (/cong-khai.css) because the CSP forbids inline styles.
 * Mobile first: one column, large tap targets; tables scroll sideways inside their own region on small screens.
 */
export const PUBLIC_CSS = `
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;line-height:1.5;color:#1b1f24;background:#fff}
a{color:#0b57d0}
a:focus,button:focus,select:focus,[tabindex]:focus{outline:3px solid #f0a500;outline-offset:2px}
.skip-link{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}
.skip-link:focus{left:.5rem;z-index:10}
header.site,footer.site{padding:.75rem 1rem;background:#0d3b66;color:#fff}
header.site a,footer.site a{color:#fff}
header.site nav ul{list-style:none;margin:.25rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none}
main{padding:1rem;max-width:64rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.lead{color:#394049}
form.filter{display:grid;gap:.5rem;margin:1rem 0;padding:.75rem;background:#f3f6f9;border-radius:.5rem}
form.filter label{font-weight:600}
select,button{font:inherit;min-height:2.75rem;padding:.4rem .6rem;border:1px solid #8a94a0;border-radius:.4rem;background:#fff}
button{background:#0d3b66;color:#fff;border-color:#0d3b66;cursor:pointer}
ul.needs{list-style:none;margin:0;padding:0;display:grid;gap:1rem}
ul.needs>li{border:1px solid #d5dbe1;border-radius:.5rem;padding:.75rem 1rem}
ul.needs h2{margin-top:0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
progress{width:100%;height:1rem}
.code{font-family:ui-monospace,Menlo,Consolas,monospace}
.table-wrap{overflow-x:auto;margin:.5rem 0 1rem}
table{border-collapse:collapse;min-width:100%}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #d5dbe1;padding:.4rem .5rem;vertical-align:top}
thead th{background:#f3f6f9;text-align:left}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tfoot th,tfoot td{font-weight:700;background:#f9fafb}
.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;margin:1rem 0;padding:0;list-style:none}
.totals li{border:1px solid #d5dbe1;border-radius:.5rem;padding:.75rem}
.totals strong{display:block;font-size:1.2rem}
.error{border-left:4px solid #b3261e;padding:.5rem 1rem;background:#fdf0ef}
@media (min-width:40rem){form.filter{grid-template-columns:auto 1fr auto 1fr auto;align-items:center}}
`;
