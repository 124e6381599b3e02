import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

// `npm run test:stress`: the heavy fault tests (a database stopped under the server, kill -9 under load).
export default defineConfig({
  resolve: { alias: { graphql: require.resolve("graphql") } },
  test: {
    include: ["test/stress/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    pool: "forks",
    maxWorkers: 1,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
