import { defineConfig } from "vitest/config"

// The core tests for `pnpm mutate` (stryker.config.mjs), with fast-check's seed fixed: @fast-check/vitest
// names each property after its seed, and Stryker skips tests whose names differ from the dry run's.
export default defineConfig({
  test: {
    include: ["packages/core/test/**/*.test.ts"],
    exclude: ["packages/core/test/architecture/**"],
    setupFiles: ["packages/core/test/support/fixedSeed.ts"],
    testTimeout: 60_000
  }
})
