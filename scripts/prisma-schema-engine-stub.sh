#!/bin/sh
# Stand-in for Prisma's native schema-engine binary, which is downloaded from a host
# this project's machines cannot reach. scripts/prisma-generate.mjs and
# prisma/schema-engine-fallback.ts point PRISMA_SCHEMA_ENGINE_BINARY here so that
# `prisma generate` / `prisma validate` (which only need the CLI's bundled wasm) work
# offline.
#
# It must fail loudly: an empty or always-succeeding stub would make
# `prisma migrate deploy` / `prisma db push` exit 0 having done nothing.
#
# Output format: the Prisma CLI skips the engine's first stderr line and parses the
# rest as JSON log records, showing the message of an ERROR record; plain text there
# would be swallowed ("Could not parse schema engine response").
MESSAGE='The Prisma schema-engine binary is not available on this machine (it cannot be downloaded here; scripts/prisma-schema-engine-stub.sh stands in for it). Migrations run through the wasm schema engine instead: `npm run db:migrate` applies prisma/migrations to $DATABASE_URL, `npm run db:migration -- <name>` writes a new migration.'
echo "schema-engine stub: $MESSAGE" >&2
printf '{"level":"ERROR","target":"schema_engine::logger","fields":{"message":"%s"}}\n' "$MESSAGE" >&2
exit 1
