import { describe, expect, it } from "vitest";
import { createDirectory } from "../../src/directory/match-units.js";

const dir = createDirectory();
const topProvince = (text: string) => dir.findProvince(text)[0];
const names = (hits: { fullName: string }[]) => hits.map((h) => h.fullName);

describe("findProvince", () => {
  it.each([
    ["ha noi", "01"],
    ["Hà Nội", "01"],
    ["thành phố Hà Nội", "01"],
    ["hn", "01"],
    ["tp hcm", "79"],
    ["TP.HCM", "79"],
    ["sai gon", "79"],
    ["sg", "79"],
    ["thanh hoa", "38"],
    ["Thanh Hoá", "38"],
    ["Thanh Hóa", "38"],
    ["tỉnh Khánh Hòa", "56"],
    ["daklak", "66"],
  ])("%s → %s", (text, code) => {
    const hit = topProvince(text);
    expect(hit?.code).toBe(code);
    expect(hit!.score).toBeGreaterThanOrEqual(0.95);
  });

  it("finds a province through a typo, with a lower score", () => {
    const exact = topProvince("quang ngai")!;
    const typo = topProvince("quang ngia")!;
    expect(exact.code).toBe("51");
    expect(typo.code).toBe("51");
    expect(typo.score).toBeLessThan(exact.score);
    expect(typo.score).toBeGreaterThan(0.6);
  });

  it("maps old provinces to the province they were merged into", () => {
    expect(topProvince("Hà Giang")).toMatchObject({ code: "08", name: "Tuyên Quang" });
    expect(topProvince("Bình Dương")).toMatchObject({ code: "79", name: "Hồ Chí Minh" });
    expect(topProvince("tinh binh duong")?.code).toBe("79");
    expect(topProvince("Quảng Bình")?.code).toBe("44");
    expect(topProvince("Hà Giang")!.score).toBeLessThan(1);
  });

  it("returns nothing for unrelated text", () => {
    expect(dir.findProvince("")).toEqual([]);
    expect(dir.findProvince("xyzzy qwerty")).toEqual([]);
  });
});

describe("findCommune", () => {
  it("matches 2025 names with either tone-mark placement and without marks", () => {
    for (const text of ["Hoà Bình", "Hòa Bình", "phường hòa bình", "hoa binh"]) {
      const hits = dir.findCommune("25", text);
      expect(hits[0]).toMatchObject({ code: "04795", fullName: "Phường Hoà Bình", via: "name", provinceName: "Phú Thọ" });
    }
    expect(dir.findCommune("25", "Hòa Bình")[0]!.score).toBe(1);
    expect(dir.findCommune("25", "hoa binh")[0]!.score).toBeLessThan(1);
  });

  it("strips commune prefixes (xã, phường, p., đặc khu)", () => {
    expect(dir.findCommune("01", "xã Ô Diên")[0]?.code).toBe("09817");
    expect(dir.findCommune("01", "x. o dien")[0]?.code).toBe("09817");
    expect(dir.findCommune("01", "P. Ba Đình")[0]?.code).toBe("00004");
    expect(dir.findCommune("79", "đặc khu Côn Đảo")[0]?.fullName).toBe("Đặc khu Côn Đảo");
  });

  it("finds a 2025 name with a typo", () => {
    const hit = dir.findCommune("01", "Hoai Duc")[0];
    expect(hit?.code).toBe("09832");
    const typo = dir.findCommune("01", "Hoai Duwc")[0];
    expect(typo?.code).toBe("09832");
    expect(typo!.score).toBeLessThan(0.9);
  });

  it.each([
    ["01", "Phường Trúc Bạch", "Phường Ba Đình"],
    ["14", "xã Lóng Luông", "Xã Vân Hồ"],
    ["38", "xã Quảng Nham", "Xã Tiên Trang"],
    ["42", "thị trấn Kỳ Đồng", "Xã Kỳ Anh"],
    ["79", "phường Xóm Củi", "Phường Phú Định"],
    ["66", "Ea Hiu", "Xã Ea Phê"],
  ])("old commune name (%s) %s → %s", (province, text, expected) => {
    const hits = dir.findCommune(province, text);
    expect(hits[0]).toMatchObject({ fullName: expected, via: "old_name", partial: false });
    expect(hits[0]!.oldName).toMatch(/\(/); // names its old district
    expect(hits[0]!.score).toBeGreaterThanOrEqual(0.85);
  });

  it("finds an old commune without a province too", () => {
    expect(dir.findCommune(null, "xã Lóng Luông")[0]).toMatchObject({ fullName: "Xã Vân Hồ", provinceCode: "14" });
  });

  it("resolves commune + old district together ('xã Tân Lập huyện Đan Phượng')", () => {
    for (const [province, text] of [
      ["01", "xã Tân Lập huyện Đan Phượng"],
      [null, "xã Tân Lập, huyện Đan Phượng, Hà Nội"],
      ["01", "tan lap, dan phuong"],
      ["01", "tan lap dan phuong"],
    ] as const) {
      const hits = dir.findCommune(province, text);
      // Tân Lập was split between Ô Diên and Hoài Đức: both, marked partial, ahead of anything else.
      expect(names(hits.slice(0, 2)).sort()).toEqual(["Xã Hoài Đức", "Xã Ô Diên"]);
      expect(hits[0]).toMatchObject({ via: "old_name", partial: true, oldName: "Xã Tân Lập (huyện Đan Phượng)" });
      expect(hits[0]!.score).toBe(hits[1]!.score);
      if (hits[2]) expect(hits[2].score).toBeLessThan(hits[0]!.score);
    }
  });

  it("reads a sentence with filler around the address", () => {
    const hits = dir.findCommune("01", "nhà em ở xã Tân Lập huyện Đan Phượng ạ");
    expect(names(hits.slice(0, 2)).sort()).toEqual(["Xã Hoài Đức", "Xã Ô Diên"]);
    const district = dir.findCommune(null, "quận Hoàn Kiếm, Hà Nội");
    expect(names(district)).toContain("Phường Hoàn Kiếm");
    for (const h of district) expect(h).toMatchObject({ provinceCode: "01", oldName: "Quận Hoàn Kiếm (Hà Nội)" });
  });

  it("lists what an old district became ('huyện Đan Phượng')", () => {
    const hits = dir.findCommune("01", "huyện Đan Phượng");
    expect(hits.length).toBeGreaterThan(2);
    expect(names(hits)).toEqual(expect.arrayContaining(["Xã Đan Phượng", "Xã Ô Diên", "Xã Liên Minh"]));
    for (const h of hits) expect(h).toMatchObject({ via: "old_name", partial: true, oldName: "Huyện Đan Phượng (Hà Nội)" });
  });

  it("prefers the 2025 commune when a bare name is also an old district", () => {
    const hits = dir.findCommune("01", "Đan Phượng");
    expect(hits[0]).toMatchObject({ code: "09784", via: "name", score: 1 });
    expect(hits.length).toBeGreaterThan(1);
  });

  it("numbered wards with their old district ('phường 14 quận 10', 'p14 q10')", () => {
    for (const text of ["phường 14 quận 10", "p14 q10", "P.14, Q.10"]) {
      const hits = dir.findCommune("79", text);
      expect(names(hits.slice(0, 2)).sort()).toEqual(["Phường Diên Hồng", "Phường Hoà Hưng"]);
      expect(hits[0]).toMatchObject({ partial: true, oldName: "Phường 14 (quận 10)" });
    }
  });

  it("returns several partial hits for an old ward that was split", () => {
    const hits = dir.findCommune("01", "phường Kim Mã");
    expect(names(hits).sort()).toEqual(["Phường Ba Đình", "Phường Giảng Võ", "Phường Ngọc Hà"]);
    for (const h of hits) expect(h).toMatchObject({ via: "old_name", partial: true });
  });

  it("returns several hits for a name used in many provinces", () => {
    const hits = dir.findCommune(null, "Tân Lập");
    expect(hits.length).toBeGreaterThan(3);
    expect(new Set(hits.map((h) => h.provinceCode)).size).toBeGreaterThan(3);
    expect(hits[0]!.via).toBe("name");
  });

  it("keeps a name that contains a type word ('xã Tân Xã')", () => {
    const hits = dir.findCommune("01", "xã Tân Xã");
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.oldName).toBe("Xã Tân Xã (huyện Thạch Thất)");
  });

  it("tells Thiệu Vân from Thiệu Vận when marks are typed", () => {
    expect(dir.findCommune("38", "xã Thiệu Vân")[0]?.fullName).toBe("Phường Đông Tiến");
    expect(dir.findCommune("38", "xã Thiệu Vận")[0]?.fullName).toBe("Xã Thiệu Trung");
  });

  it("stays inside the given province and returns nothing for noise", () => {
    for (const h of dir.findCommune("01", "Tân Lập")) expect(h.provinceCode).toBe("01");
    expect(dir.findCommune("01", "")).toEqual([]);
    expect(dir.findCommune("01", "qwxz zzkq")).toEqual([]);
  });

  it("scores stay within 0..1 and hits are sorted best first", () => {
    for (const text of ["Hòa Bình", "huyện Đan Phượng", "Tân Lập", "p14 q10"]) {
      const hits = dir.findCommune(null, text);
      for (const h of hits) expect(h.score).toBeGreaterThanOrEqual(0), expect(h.score).toBeLessThanOrEqual(1);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    }
  });
});

describe("unitName", () => {
  it("names provinces and communes", () => {
    expect(dir.unitName("01")).toBe("Thành phố Hà Nội");
    expect(dir.unitName("00004")).toBe("Phường Ba Đình, Thành phố Hà Nội");
    expect(dir.unitName("99999")).toBeNull();
  });
});
