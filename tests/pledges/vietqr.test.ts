import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { QRPay } from "vietnam-qr-pay";
import { describe, expect, it } from "vitest";
import { buildVietQr, renderQrPng, transferNote } from "../../src/pledges/vietqr.js";
import { findPledgeCodes } from "../../src/pledges/statement-import.js";

// jsqr is CommonJS with a TypeScript `export default`: under NodeNext the callable sits on .default (it is also the module itself)
const jsQR = jsQRModule.default;

describe("VietQR for money pledges", () => {
  it("round-trips: PNG → jsQR → QRPay gives the bank, account, amount and the pledge code in the note", async () => {
    const { payload, note } = buildVietQr({ bankBin: "970436", accountNumber: "0011001234567", amountVnd: 1_500_000, pledgeCode: "UH-2026-000123" });
    const png = await renderQrPng(payload);
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    const img = PNG.sync.read(png);
    const decoded = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), img.width, img.height);
    expect(decoded?.data).toBe(payload);
    const qr = new QRPay(decoded?.data ?? "");
    expect(qr.isValid).toBe(true);
    expect(qr.consumer.bankBin).toBe("970436");
    expect(qr.consumer.bankNumber).toBe("0011001234567");
    expect(qr.amount).toBe("1500000");
    expect(qr.currency).toBe("704");
    expect(qr.additionalData.purpose).toBe("UH UH-2026-000123");
    expect(note).toBe("UH UH-2026-000123");
    // the statement import finds the code again in what the bank prints
    expect(findPledgeCodes(qr.additionalData.purpose ?? "")).toEqual(["UH-2026-000123"]);
  });

  it("keeps the transfer note ASCII and within 25 characters", () => {
    const note = transferNote("UH-2026-999999999");
    expect(note.length).toBeLessThanOrEqual(25);
    expect(/^[\x20-\x7e]+$/.test(note)).toBe(true);
  });

  it("refuses bad input instead of making a QR that sends money to the wrong place", () => {
    expect(() => buildVietQr({ bankBin: "97043", accountNumber: "001", amountVnd: 1, pledgeCode: "UH-2026-000001" })).toThrow();
    expect(() => buildVietQr({ bankBin: "970436", accountNumber: "0011001234567", amountVnd: 1.5, pledgeCode: "UH-2026-000001" })).toThrow();
    expect(() => buildVietQr({ bankBin: "970436", accountNumber: "0011001234567", amountVnd: 1000, pledgeCode: "Trần Văn A" })).toThrow();
  });
});
