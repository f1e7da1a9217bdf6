/**
 * Every place private data is stored encrypted, as data: key rotation (scripts/rotate-keys.ts) walks this list, and
 * tests/crypto/encrypted-columns.test.ts fails when a `*Enc` Bytes column in prisma/schema.prisma is missing from it.
 * Names are the database's (Prisma keeps model and field names as table and column names).
 */
export type EncryptedColumnFormat =
  /** a Bytes column holding one ciphertext (encryptText / encryptJson) */
  | "bytes"
  /** a JSON column holding {"enc": base64(ciphertext)} (InboxEvent.payload) */
  | "json-enc"
  /** a text column holding "enc:" + base64(ciphertext), or plain text written before encryption (StatementLine.note) */
  | "text-enc-prefix";

export interface EncryptedColumn {
  table: string;
  column: string;
  /** primary-key column (rows are walked in key order, in batches) */
  key: string;
  format: EncryptedColumnFormat;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: "InboxEvent", column: "payload", key: "id", format: "json-enc" },
  { table: "Message", column: "bodyEnc", key: "id", format: "bytes" },
  { table: "OutboxItem", column: "payloadEnc", key: "id", format: "bytes" },
  { table: "ChannelToken", column: "accessTokenEnc", key: "channel", format: "bytes" },
  { table: "ChannelToken", column: "refreshTokenEnc", key: "channel", format: "bytes" },
  { table: "Case", column: "descriptionEnc", key: "id", format: "bytes" },
  { table: "Case", column: "reporterNameEnc", key: "id", format: "bytes" },
  { table: "Case", column: "reporterPhoneEnc", key: "id", format: "bytes" },
  { table: "Case", column: "childNameEnc", key: "id", format: "bytes" },
  { table: "Case", column: "addressEnc", key: "id", format: "bytes" },
  { table: "Case", column: "locationEnc", key: "id", format: "bytes" },
  { table: "CaseEvent", column: "textEnc", key: "id", format: "bytes" },
  { table: "CaseAttachment", column: "refEnc", key: "id", format: "bytes" },
  { table: "ContentGap", column: "textEnc", key: "id", format: "bytes" },
  { table: "Need", column: "contactNameEnc", key: "id", format: "bytes" },
  { table: "Need", column: "contactPhoneEnc", key: "id", format: "bytes" },
  { table: "Pledge", column: "contactEnc", key: "id", format: "bytes" },
  { table: "StatementLine", column: "note", key: "id", format: "text-enc-prefix" },
];
