import { describe, expect, it } from "vitest";
import { isChildSelfReport, parseAge, parsePhone } from "../../src/flows/report.js";
import { matchKey } from "../../src/text/index.js";
import { allText, choiceIds, createdCase, FlowChat } from "./report-helpers.js";

const SKIP = "r:skip";

describe("report flow from the menu", () => {
  it("happy path: every answer given, contact left, case created with the right fields", async () => {
    const c = new FlowChat();
    const start = await c.tap("menu:report");
    expect(c.flow).toBe("report");
    expect(allText(start)).toMatch(/chuyện gì đã xảy ra/);
    await c.send("Cháu bé hàng xóm thường xuyên bị bố dượng đánh bầm tím");
    expect(c.step).toBe("province"); // triage gave the category, no category question
    const prov = await c.send("ha noi");
    expect(allText(prov)).toMatch(/xã\/phường nào của Thành phố Hà Nội/);
    const com = await c.send("Ô Chợ Dừa");
    expect(allText(com)).toContain("Đã ghi nhận: Phường Ô Chợ Dừa, Thành phố Hà Nội");
    expect(choiceIds(com)).toContain("when:yesterday");
    await c.tap("when:yesterday");
    await c.send("8 tuổi");
    await c.tap("sex:nu");
    await c.tap("danger:no");
    expect(c.step).toBe("suspect");
    await c.tap("sus:bo_me");
    const photos = await c.send("", { attachments: [{ type: "image", ref: "file-1" }] });
    expect(allText(photos)).toContain("Đã nhận 1 ảnh/tệp");
    const contact = await c.tap("r:done");
    expect(allText(contact)).toMatch(/Chỉ cán bộ bảo vệ trẻ em của xã\/phường, tỉnh phụ trách và Tổng đài 111/);
    expect(allText(contact)).toMatch(/mã hoá/);
    expect(allText(contact)).toMatch(/91\/2025\/QH15/);
    await c.tap("contact:leave");
    const bad = await c.send("12345");
    expect(allText(bad)).toMatch(/Xin lỗi, mình chưa hiểu.*10 chữ số/s);
    expect(c.step).toBe("phone");
    await c.send("0912 345 678");
    const done = await c.send("Chị Lan");
    const input = createdCase(done);
    expect(input).toMatchObject({
      category: "bao_luc",
      riskLevel: "medium",
      urgent: false,
      inDangerNow: "no",
      provinceCode: "01",
      communeCode: "00235",
      whenText: "hôm qua",
      childAge: 8,
      childSex: "nu",
      suspectRelation: "bo_me",
      reporterIsChild: false,
      anonymous: false,
      reporterPhone: "0912345678",
      reporterName: "Chị Lan",
      attachments: [{ type: "image", ref: "file-1" }],
    });
    expect(input.description).toContain("bố dượng đánh");
    expect(done.effects.map((e) => e.type)).toEqual(["set_consent", "create_case"]);
    const final = allText(done);
    expect(final).toContain("{{case}}");
    expect(final).toMatch(/Phường Ô Chợ Dừa.*Tổng đài 111 được báo ngay/);
    expect(final).toMatch(/Tra cứu hồ sơ/);
    expect(final).toMatch(/gọi 111 bất cứ lúc nào/);
    expect(c.flow).toBe("menu");
  });

  it("every question skipped: an anonymous case with category 'khac' and no place", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    const steps: string[] = [];
    let t = await c.tap(SKIP);
    for (let i = 0; i < 20 && c.flow === "report"; i++) {
      steps.push(c.step ?? "?");
      // the contact question has no skip button; typing "bỏ qua" also works
      t = c.step === "contact" ? await c.send("bỏ qua") : await c.tap(SKIP);
    }
    expect(steps).toEqual(["category", "province", "when", "age", "sex", "danger", "suspect", "photos", "contact"]);
    const input = createdCase(t);
    expect(input).toMatchObject({ category: "khac", riskLevel: "medium", anonymous: true, provinceCode: null, communeCode: null, description: null, reporterPhone: null });
    expect(t.effects.map((e) => e.type)).toEqual(["create_case"]); // no consent asked or stored for anonymous reports
    expect(allText(t)).toMatch(/chưa rõ xã\/phường, 111 sẽ xác định địa bàn/);
  });

  it("typed 'bỏ qua' skips like the button", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("bỏ qua");
    expect(c.step).toBe("category");
    await c.send("bo qua");
    expect(c.step).toBe("province");
  });

  it("anonymous choice stores no name or phone and says so", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Có một em bé bị bỏ rơi ở chợ");
    await c.send("Nghệ An");
    await c.tap(SKIP); // commune
    for (const p of [SKIP, SKIP, SKIP, "danger:unknown", SKIP, "r:done"]) await c.tap(p);
    const contact = await c.tap(SKIP);
    void contact;
    expect(c.flow).toBe("menu");
  });

  it("a phone number typed at the contact question counts as leaving contact", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Có một em bé bị bỏ rơi ở chợ");
    for (const p of [SKIP, SKIP, SKIP, SKIP, "danger:no", SKIP, "r:done"]) await c.tap(p);
    expect(c.step).toBe("contact");
    await c.send("+84 912 345 678");
    expect(c.step).toBe("name");
    const done = await c.tap(SKIP);
    expect(createdCase(done)).toMatchObject({ anonymous: false, reporterPhone: "0912345678", reporterName: null, category: "bo_roi_bo_mat" });
  });

  it("asks the category when triage found none, and re-asks politely on a bad answer", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Nhà bên cạnh có chuyện lạ");
    expect(c.step).toBe("category");
    const bad = await c.send("gì cơ");
    expect(allText(bad)).toMatch(/Xin lỗi, mình chưa hiểu/);
    expect(c.step).toBe("category");
    await c.tap("cat:tao_hon");
    expect(c.step).toBe("province");
  });

  it("'nguy cơ' reports are low risk; sexual abuse is high and urgent", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Tôi lo cháu nhà bên có nguy cơ bị gả sớm");
    let t = c.step === "category" ? await c.tap("cat:tao_hon") : await c.tap(SKIP);
    while (c.flow === "report") t = c.step === "danger" ? await c.tap("danger:no") : c.step === "contact" ? await c.tap("contact:anon") : await c.tap(SKIP);
    expect(createdCase(t)).toMatchObject({ category: "tao_hon", riskLevel: "low", urgent: false });

    const h = new FlowChat();
    await h.tap("menu:report");
    await h.send("Tôi nghi cháu bị chú hàng xóm dâm ô");
    t = await h.tap(SKIP);
    while (h.flow === "report") t = h.step === "danger" ? await h.tap("danger:no") : h.step === "contact" ? await h.tap("contact:anon") : await h.tap(SKIP);
    expect(createdCase(t)).toMatchObject({ category: "xam_hai_tinh_duc", riskLevel: "high", urgent: true });
    expect(allText(t)).toMatch(/trong vòng 12 giờ/);
  });

  it("'đang gặp nguy hiểm: Có' re-shows 113/115/111, marks the case immediate and skips to the contact choice", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Em bé nhà bên bị bỏ đói nhiều ngày");
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    await c.tap(SKIP);
    await c.tap(SKIP);
    await c.tap(SKIP);
    const yes = await c.tap("danger:yes");
    const calls = yes.replies.find((r) => r.kind === "call_buttons");
    expect(calls && calls.kind === "call_buttons" ? calls.numbers.map((n) => n.phone) : []).toEqual(["113", "115", "111"]);
    expect(c.step).toBe("contact");
    const done = await c.tap("contact:anon");
    expect(createdCase(done)).toMatchObject({ riskLevel: "immediate", urgent: true, inDangerNow: "yes", communeCode: "00235" });
  });
});

describe("report flow started by triage", () => {
  it("immediate danger: emergency numbers first, then the offer; the text is confirmed, not asked again", async () => {
    const c = new FlowChat();
    const t = await c.send("Cứu với, bố đang đánh em gái tôi rất dã man");
    expect(t.replies[0]!.kind).toBe("call_buttons");
    expect(c.flow).toBe("report");
    expect(c.step).toBe("confirm");
    expect(allText(t)).toContain("«Cứu với, bố đang đánh em gái tôi rất dã man»");
    await c.tap("r:yes");
    expect(c.step).toBe("province"); // category known from triage
    await c.send("Hà Nội");
    const com = await c.send("Ô Chợ Dừa");
    expect(c.step).toBe("contact"); // urgent: straight to what is needed to reach someone
    void com;
    const done = await c.tap("contact:anon");
    const input = createdCase(done);
    expect(input).toMatchObject({ riskLevel: "immediate", urgent: true, inDangerNow: "yes", category: "bao_luc", description: "Cứu với, bố đang đánh em gái tôi rất dã man" });
    expect(input.matchedRules.length).toBeGreaterThan(0);
  });

  it("a report-level message offers to take the report; 'Không phải' returns to the menu without a case", async () => {
    const c = new FlowChat();
    const t = await c.send("Hàng xóm nhà tôi đánh con rất dã man");
    expect(t.replies[0]!.kind).toBe("choices");
    expect(choiceIds(t)).toEqual(["r:yes", "r:edit", "r:no"]);
    const no = await c.tap("r:no");
    expect(no.effects).toEqual([]);
    expect(c.flow).toBe("menu");
  });

  it("'Kể lại' replaces the description", async () => {
    const c = new FlowChat();
    await c.send("Hàng xóm nhà tôi đánh con rất dã man");
    await c.tap("r:edit");
    expect(c.step).toBe("describe");
    await c.send("Ông hàng xóm đánh cháu bé bằng roi");
    let t = await c.tap(SKIP);
    while (c.flow === "report") t = c.step === "danger" ? await c.tap("danger:no") : c.step === "contact" ? await c.tap("contact:anon") : await c.tap(SKIP);
    expect(createdCase(t).description).toBe("Ông hàng xóm đánh cháu bé bằng roi");
  });

  it("immediate danger mid-flow marks the case urgent (numbers come from the runtime) and keeps the message", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Cháu bé nhà bên hay bị bố mẹ chửi mắng, bỏ đói");
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    expect(c.step).toBe("when");
    await c.tap(SKIP);
    expect(c.step).toBe("age");
    const t = await c.send("Ông ấy đang đánh cháu ngay bây giờ");
    expect(t.replies[0]!.kind).toBe("call_buttons"); // from the runtime, first
    expect(allText(t)).toContain("KHẨN CẤP");
    expect(c.flow).toBe("report");
    expect(c.step).toBe("contact");
    const done = await c.tap("contact:anon");
    const input = createdCase(done);
    expect(input).toMatchObject({ riskLevel: "immediate", urgent: true, inDangerNow: "yes" });
    expect(input.description).toContain("đang đánh cháu ngay bây giờ");
  });
});

describe("child's own report", () => {
  it("first-person child words switch to simple language", async () => {
    const c = new FlowChat();
    const t = await c.send("Em bị bố đánh rất đau");
    expect(c.flow).toBe("report");
    expect(allText(t)).toMatch(/Em không có lỗi gì cả/);
    expect(choiceIds(t)).toEqual(["r:yes", "r:edit", "r:no"]);
    const where = await c.tap("r:yes");
    expect(allText(where)).toMatch(/Em đang ở tỉnh hay thành phố nào/);
    let turn = await c.send("bỏ qua");
    expect(allText(turn)).toMatch(/Chuyện này xảy ra khi nào/);
    while (c.flow === "report") {
      if (c.step === "age") {
        const a = await c.send("11");
        turn = a;
      } else if (c.step === "contact") {
        expect(allText(turn)).toMatch(/Cầu Nối giữ bí mật/);
        turn = await c.tap("contact:anon");
      } else if (c.step === "danger") turn = await c.tap("danger:no");
      else turn = await c.tap(SKIP);
    }
    const input = createdCase(turn);
    expect(input).toMatchObject({ reporterIsChild: true, childAge: 11, anonymous: true });
    expect(allText(turn)).toMatch(/Em rất dũng cảm/);
  });

  it("the rule: first-person child yes, a parent about their child no", () => {
    const yes = ["em bị bố đánh", "con bị chú dâm ô", "cháu đang bị ép lấy chồng", "bố đánh em suốt", "cứu em với", "mình bị bạn bắt nạt"];
    const no = ["con tôi bị bạn đánh", "con em bị sốt", "tôi thấy một bé gái bị bạo hành", "hàng xóm đánh con rất dã man", "cháu tôi bị bỏ rơi"];
    for (const s of yes) expect(isChildSelfReport(matchKey(s)), s).toBe(true);
    for (const s of no) expect(isChildSelfReport(matchKey(s)), s).toBe(false);
  });
});

describe("place questions", () => {
  it("an old commune split between new communes → choices to pick", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Cháu bé bị bỏ rơi ngoài đường");
    await c.send("Hà Nội");
    const t = await c.send("xa Tan Lap huyen Dan Phuong");
    expect(c.step).toBe("commune_pick");
    expect(choiceIds(t)).toEqual(["com:09700", "com:09720", "r:retype", SKIP]);
    expect(allText(t)).toMatch(/trùng tên/);
    const labels = t.replies.flatMap((r) => (r.kind === "choices" ? r.choices.map((x) => x.label) : []));
    expect(labels[0]).toBe("Xã Đan Phượng (xã Tân Lập (huyện Đan Phượng) cũ)");
    await c.send("2");
    expect(c.step).toBe("when");
    let turn = await c.tap(SKIP);
    while (c.flow === "report") turn = c.step === "danger" ? await c.tap("danger:no") : c.step === "contact" ? await c.tap("contact:anon") : await c.tap(SKIP);
    expect(createdCase(turn)).toMatchObject({ communeCode: "09720", provinceCode: "01" });
    expect(createdCase(turn).placeText).toBe("xa Tan Lap huyen Dan Phuong");
  });

  it("ambiguous province → choices; unknown → polite re-ask; commune typed at the province question is found", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Cháu bé bị bỏ rơi ngoài đường");
    const amb = await c.send("Hà");
    expect(c.step).toBe("province_pick");
    expect(choiceIds(amb)).toEqual(["prov:01", "prov:17", "r:retype", SKIP]);
    await c.tap("r:retype");
    expect(c.step).toBe("province");
    const unk = await c.send("Atlantis");
    expect(allText(unk)).toMatch(/chưa tìm thấy tỉnh\/thành phố "Atlantis"/);
    expect(c.step).toBe("province");
    const direct = await c.send("phường Ô Chợ Dừa");
    expect(allText(direct)).toContain("Đã ghi nhận: Phường Ô Chợ Dừa, Thành phố Hà Nội");
    expect(c.step).toBe("when");
  });

  it("a shared location is kept and the place is still asked in words", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Cháu bé bị bỏ rơi ngoài đường");
    const t = await c.send("", { location: { lat: 21.02, lng: 105.83 } });
    expect(allText(t)).toMatch(/Đã nhận vị trí/);
    expect(c.step).toBe("province");
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    let turn = await c.tap(SKIP);
    while (c.flow === "report") turn = c.step === "danger" ? await c.tap("danger:no") : c.step === "contact" ? await c.tap("contact:anon") : await c.tap(SKIP);
    expect(createdCase(turn).location).toEqual({ lat: 21.02, lng: 105.83 });
  });

  it("bad age input is re-asked; parsing rules", async () => {
    expect(parseAge("8")).toBe(8);
    expect(parseAge("khoang 10 tuoi")).toBe(10);
    expect(parseAge("so sinh")).toBe(0);
    expect(parseAge("6 thang")).toBe(0);
    expect(parseAge("30")).toBeNull();
    expect(parseAge("nhieu")).toBeNull();
    expect(parsePhone("0912.345.678")).toBe("0912345678");
    expect(parsePhone("+84912345678")).toBe("0912345678");
    expect(parsePhone("12345")).toBeNull();
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Cháu bé bị bỏ rơi ngoài đường");
    await c.tap(SKIP);
    await c.tap(SKIP);
    expect(c.step).toBe("age");
    const bad = await c.send("lớn lắm rồi");
    expect(allText(bad)).toMatch(/Xin lỗi, mình chưa hiểu câu trả lời\. Bạn gõ tuổi bằng số/);
    expect(c.step).toBe("age");
  });

  it("a saved state of an unknown version restarts the flow instead of guessing", async () => {
    const c = new FlowChat();
    c.flow = "report";
    c.state = { v: 99, s: { step: "nonsense" } };
    const t = await c.send("abc");
    expect(allText(t)).toMatch(/chuyện gì đã xảy ra/);
    expect(c.step).toBe("describe");
  });
});
