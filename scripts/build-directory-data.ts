/**
 * Rebuilds content/directory/ from the shared administrative-unit extracts. Developer-only: the app never
 * reads the shared folder at run time, it reads the two files this script writes (they are committed).
 *
 *   npx tsx scripts/build-directory-data.ts [path/to/shared/data]     (default: ../shared/data)
 *
 * Inputs (see content/directory/README.md for sources and licence):
 *   vn-admin-units-2025.json     34 provinces → 3,321 communes (copied, minified, fields checked)
 *   vn-admin-units-pre2025.json  63 provinces → 696 districts → 10,035 communes (reduced to a compact index)
 */
import { units2025Schema } from "../src/directory/load-units.js";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const sharedDir = path.resolve(process.argv[2] ?? path.join(repoRoot, "../shared/data"));
const outDir = path.join(repoRoot, "content/directory");


const oldCommune = z.object({ code: z.string(), name: z.string(), type: z.enum(["xã", "phường", "thị trấn"]) });
const oldDistrict = z.object({ code: z.string(), name: z.string(), type: z.string(), communes: z.array(oldCommune) });
const oldProvince = z.object({ code: z.string(), name: z.string(), type: z.string(), districts: z.array(oldDistrict) });

// One letter per old commune type keeps the index small (10,035 rows).
const COMMUNE_TYPE_LETTER = { xã: "x", phường: "p", "thị trấn": "t" } as const;

const nfc = (s: string) => s.normalize("NFC").trim();

const current = units2025Schema.parse(JSON.parse(readFileSync(path.join(sharedDir, "vn-admin-units-2025.json"), "utf8")));
const old = z.array(oldProvince).parse(JSON.parse(readFileSync(path.join(sharedDir, "vn-admin-units-pre2025.json"), "utf8")));

const communes = current.reduce((n, p) => n + p.communes.length, 0);
if (current.length !== 34 || communes !== 3321) throw new Error(`unexpected 2025 counts: ${current.length} provinces, ${communes} communes`);

const minified = current.map((p) => ({
  code: p.code,
  name: nfc(p.name),
  fullName: nfc(p.fullName),
  nameEn: p.nameEn,
  type: p.type,
  formedFrom: nfc(p.formedFrom),
  communes: p.communes.map((c) => ({
    code: c.code,
    name: nfc(c.name),
    fullName: nfc(c.fullName),
    nameEn: c.nameEn,
    type: c.type,
    formedFrom: nfc(c.formedFrom),
  })),
}));

// Compact tuples: [code, name, [districts]] / [code, name, type, [communes]] / [code, name, typeLetter].
const index = {
  about: "Pre-2025 units (province → district → commune), reduced from vn-admin-units-pre2025.json; see README.md",
  provinces: old.map((p) => [
    p.code,
    nfc(p.name),
    p.districts.map((d) => [d.code, nfc(d.name), d.type, d.communes.map((c) => [c.code, nfc(c.name), COMMUNE_TYPE_LETTER[c.type]])]),
  ]),
};

mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "admin-units-2025.json"), JSON.stringify(minified) + "\n");
writeFileSync(path.join(outDir, "admin-units-pre2025-index.json"), JSON.stringify(index) + "\n");
const oldCommunes = old.reduce((n, p) => n + p.districts.reduce((m, d) => m + d.communes.length, 0), 0);
console.log(`wrote ${current.length} provinces / ${communes} communes and an index of ${old.length} old provinces / ${oldCommunes} old communes to ${outDir}`);
