export * from "./field-encryption.js";
