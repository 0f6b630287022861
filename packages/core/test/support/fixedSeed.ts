import { fc } from "@fast-check/vitest"

// Used by vitest.mutate.config.ts only: every property runs the same cases in every mutant's run.
fc.configureGlobal({ seed: 1717 })
