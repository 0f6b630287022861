// @ts-check
/**
 * Mutation testing of core's rule files: `pnpm mutate` (all ten, long), or one file at a time with
 * `pnpm mutate --mutate packages/core/src/storage/SizeRules.ts`. Not part of .ci/run.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  // pnpm keeps packages apart: name the runner plugin so Stryker loads it from here.
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutate.config.ts" },
  coverageAnalysis: "perTest",
  mutate: [
    "packages/core/src/storage/StorageRules.ts",
    "packages/core/src/storage/SizeRules.ts",
    "packages/core/src/networks/AclRules.ts",
    "packages/core/src/networks/DhcpRules.ts",
    "packages/core/src/networks/NetworkRules.ts",
    "packages/core/src/networks/IpAddress.ts",
    "packages/core/src/vms/VmPlans.ts",
    "packages/core/src/nodes/NodeSelector.ts",
    "packages/core/src/nodes/NodeRules.ts",
    "packages/core/src/vms/VmRules.ts"
  ],
  ignorePatterns: ["/bench", "/docs", "/packages/http", "/packages/client", "/packages/cli", "/packages/adapters-*", "/reports"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  concurrency: 1,
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always"
}
