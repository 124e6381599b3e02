#!/bin/sh
# `npm start` and `npm run demo`: the server with the settings BENCHMARKS.md measures it with. To run
# it with others, run `node <flags> dist/main.js` yourself, with MALLOC_ARENA_MAX=2 in its environment.
#
# Every server: Prisma's WebAssembly query compiler kept in baseline code (--liftoff-only) and the old
# generation let grow to twice what a full collection kept (--heap-growing-percent=100), which keep
# RSS 60-150 MB lower; two glibc malloc arenas instead of one per thread (MALLOC_ARENA_MAX=2).
flags="--liftoff-only --heap-growing-percent=100"
# On a PostgreSQL server (DATABASE_URL=postgresql://...), a young generation of 32 MB semi-spaces
# instead of V8's 16: a page of 100 orders keeps its rows and its answer alive across the statements
# it waits for, and with 16 such requests at a time most of a 16 MB young generation survived each
# scavenge, to be copied and promoted. Not on the embedded database: V8's flags hold for every thread
# of the process, and this one would override the database thread's 1 MB (src/db/embedded.ts).
postgres_flags="--max-semi-space-size=32"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) flags="$flags $postgres_flags" ;;
esac
MALLOC_ARENA_MAX=2 exec node $flags dist/main.js "$@"
