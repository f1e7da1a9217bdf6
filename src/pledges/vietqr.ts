/**
 * VietQR (NAPAS 247) codes for money pledges: any Vietnamese banking app scans it and pre-fills the bank,
 * account, amount and the transfer note. The note carries the pledge code so the bank statement import can
 * match the transfer to the pledge. Notes stay short and plain ASCII because several banks strip diacritics
 * and punctuation or cut long notes (the statement import tolerates lost dashes and spaces).
 */
import QRCode from "qrcode";
import { QRPay } from "vietnam-qr-pay";
import { z } from "zod";
import { MAX_PLEDGE_VND } from "./money.js";

/** EMVCo caps every additional-data sub-field (the "purpose" is 62-08) at 25 characters. */
export const MAX_TRANSFER_NOTE = 25;

export const VietQrInput = z.object({
  /** NAPAS bank identifier, 6 digits (e.g. 970436 Vietcombank). */
  bankBin: z.string().regex(/^\d{6}$/),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{4,19}$/),
  amountVnd: z.number().int().positive().max(MAX_PLEDGE_VND),
  pledgeCode: z.string().regex(/^UH-\d{4}-\d{6,9}$/),
});
export type VietQrInput = z.infer<typeof VietQrInput>;

/** The transfer note for a pledge ("UH UH-2026-000123"): ASCII, within the 25-character limit. */
export function transferNote(pledgeCode: string): string {
  const note = `UH ${pledgeCode}`;
  if (note.length > MAX_TRANSFER_NOTE || !/^[\x20-\x7e]+$/.test(note)) throw new Error("pledge code does not fit a transfer note");
  return note;
}

/** Builds the VietQR payload string for a money pledge (throws on invalid input: callers pass validated data). */
export function buildVietQr(input: VietQrInput): { payload: string; note: string } {
  const v = VietQrInput.parse(input);
  const note = transferNote(v.pledgeCode);
  const payload = QRPay.initVietQR({
    bankBin: v.bankBin,
    bankNumber: v.accountNumber,
    amount: String(v.amountVnd),
    purpose: note,
  }).build();
  return { payload, note };
}

/** Renders a QR payload as a PNG image (error correction M, quiet zone kept so phone cameras lock on quickly). */
export async function renderQrPng(payload: string): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: "png", errorCorrectionLevel: "M", margin: 4, width: 512 });
}
