#!/bin/sh
# Stand-in for Prisma's native schema-engine binary. `prisma generate`, `validate` and `format`
# only check that the file exists; migrations run through the WebAssembly engine instead
# (src/db/schema-engine.ts: applied at start-up, `npm run db:new` / `db:check` / `db:status`).
echo "The native schema-engine is not used by this project: use npm run db:new | db:check | db:status." >&2
exit 1
