// Prisma CLI configuration (Prisma 7 keeps the connection URL out of schema.prisma).
// Only `prisma generate` is used here; migrations are applied by src/db/migrate.ts (see README "Database").
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/placeholder" },
});
