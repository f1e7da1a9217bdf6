/** Shared helpers of the donations end-to-end suites (not a test file itself). */
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { QRPay } from "vietnam-qr-pay";
import type { StaffScope } from "../../src/needs/types.js";
import { parseCsv } from "../support/csv.js";

export { parseCsv };

// jsqr is CommonJS with a TypeScript `export default`: under NodeNext the callable sits on .default
const jsQR = jsQRModule.default;

export const VIETQR_ENV = { VIETQR_BANK_BIN: "970436", VIETQR_ACCOUNT_NUMBER: "0011001234567", VIETQR_ACCOUNT_NAME: "QUY BAO TRO TRE EM CAU NOI" };

/** Lào Cai in the 2025 directory, and a province officer covering it. */
export const LAO_CAI = "15";
export const OFFICER: StaffScope = { id: "officer-laocai", role: "province_officer", provinceCodes: [LAO_CAI], communeCodes: [] };

/** Decodes a VietQR PNG: bank BIN, account, amount and transfer note. */
export function decodeVietQrPng(png: Buffer): { bankBin: string | undefined; account: string | undefined; amount: string | undefined; purpose: string | undefined; valid: boolean } {
  const img = PNG.sync.read(png);
  const decoded = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), img.width, img.height);
  if (!decoded) throw new Error("no QR code in the image");
  const qr = new QRPay(decoded.data);
  return { bankBin: qr.consumer.bankBin, account: qr.consumer.bankNumber, amount: qr.amount, purpose: qr.additionalData.purpose, valid: qr.isValid };
}


/** Money columns (needed, pledged, received, delivered) of the "TỔNG" row and of one need's row in the needs CSV. */
export function csvFigures(csv: string, needCode: string): { total: number[]; need: number[] | null } {
  const rows = parseCsv(csv);
  const header = rows[0] ?? [];
  const at = header.indexOf("Cần (đồng)");
  const pick = (r: string[]) => [0, 1, 2, 3].map((k) => Number(r[at + k] ?? "NaN"));
  const total = rows.find((r) => r[0] === "TỔNG");
  const need = rows.find((r) => r[0] === needCode);
  if (!total || at < 0) throw new Error("unexpected CSV shape");
  return { total: pick(total), need: need ? pick(need) : null };
}

/** Element-wise difference b - a. */
export const diff = (a: number[], b: number[]): number[] => b.map((v, i) => v - (a[i] ?? 0));
