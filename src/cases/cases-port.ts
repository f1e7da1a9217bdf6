/** CaseLookupPort over the database: a case's status by its code, in plain words, with no private details. */
import type { PrismaClient } from "../generated/prisma/client.js";
import type { CaseLookupPort } from "../flows/ports.js";
import { caseStatusText } from "./case-status-text.js";
import { findCaseByCode } from "./repository.js";
import { normalizeCaseCode } from "./types.js";

/** The port the status flow uses (read-only). */
export function createCasesPort(prisma: PrismaClient): CaseLookupPort {
  return {
    async statusByCode(code) {
      const canonical = normalizeCaseCode(code);
      if (!canonical) return null;
      const c = await findCaseByCode(prisma, canonical);
      if (!c) return null;
      return { code: c.code, statusText: caseStatusText(c.status), updatedAt: c.updatedAt, closed: c.status === "closed" };
    },
  };
}
