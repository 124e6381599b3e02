import path from "node:path";
import { defineConfig } from "prisma/config";

// `prisma generate` only needs a schema-engine file to exist; the native engine is never
// downloaded (migrations use @prisma/schema-engine-wasm, see src/db/schema-engine.ts).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "scripts/schema-engine-offline.sh");
process.env.CHECKPOINT_DISABLE ??= "1";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
