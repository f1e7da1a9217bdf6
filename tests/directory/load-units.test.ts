import { describe, expect, it } from "vitest";
import { loadDirectory, parseFormedFrom } from "../../src/directory/load-units.js";

describe("directory data", () => {
  const d = loadDirectory();

  it("has the 2025 units: 34 provinces, 3,321 communes (2,611 xã / 697 phường / 13 đặc khu)", () => {
    expect(d.provinces).toHaveLength(34);
    expect(d.communes).toHaveLength(3321);
    const byType = (t: string) => d.communes.filter((c) => c.type === t).length;
    expect(byType("xã")).toBe(2611);
    expect(byType("phường")).toBe(697);
    expect(byType("đặc khu")).toBe(13);
    expect(d.provinces.filter((p) => p.type === "thành phố trực thuộc trung ương")).toHaveLength(7);
    expect(d.communesByProvince.get("79")).toHaveLength(168);
    expect(d.communesByProvince.get("01")).toHaveLength(126);
  });

  it("maps all 63 old provinces to a 2025 province", () => {
    expect(d.oldProvinces).toHaveLength(63);
    expect(d.oldProvinces.find((p) => p.name === "Hà Giang")?.newProvinceCode).toBe("08");
    expect(d.oldProvinces.find((p) => p.name === "Bình Dương")?.newProvinceCode).toBe("79");
    expect(d.oldProvinces.find((p) => p.name === "Bà Rịa - Vũng Tàu")?.newProvinceCode).toBe("79");
    expect(d.oldDistricts).toHaveLength(696);
    expect(d.oldCommuneByCode.size).toBe(10035);
  });

  it("links nearly every old commune to a new one through formedFrom", () => {
    expect(d.unresolvedMentions).toBeLessThan(20);
    const linked = new Set(d.links.map((l) => l.oldCode));
    const unlinked = [...d.oldCommuneByCode.values()].filter((c) => !linked.has(c.code));
    // A handful are spelled too differently in the two sources, or are islands listed as their whole district.
    expect(unlinked.length).toBeLessThan(30);
  });

  it("reads formedFrom lists, district qualifiers and 'part of' markers", () => {
    const m = parseFormedFrom(
      "Phường Quán Thánh, một phần diện tích TN, quy mô dân số của các phường Cửa Nam, Điện Biên, Xã Tân Lập (phần còn lại sau khi sáp nhập vào xã Hoài Đức, xã Ô Diên)",
    );
    expect(m.map((x) => [x.type, x.name, x.partial])).toEqual([
      ["phường", "Quán Thánh", false],
      ["phường", "Cửa Nam", true],
      ["phường", "Điện Biên", true],
      ["xã", "Tân Lập", true],
    ]);
    const q = parseFormedFrom("Xã Cam Thủy (huyện Lệ Thủy), Xã Các Sơn, Phường Xóm Củi, Phường 4 (Quận 3)");
    expect(q.map((x) => [x.type, x.name, x.qualifier])).toEqual([
      ["xã", "Cam Thủy", "huyện Lệ Thủy"],
      ["xã", "Các Sơn", null],
      ["phường", "Xóm Củi", null],
      ["phường", "4", "Quận 3"],
    ]);
  });
});
