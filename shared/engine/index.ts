// The discount engine: pure functions from (receipt, rules, refs, now) to the evaluated receipt.
// Semantics: docs/semantics.md.

export * from './types';
export { compileRules } from './compile';
export { recompileRule } from './incremental';
export { evaluate, reachableRuleIds, indexRefs, type CompiledRules, type EvaluateInput } from './evaluate';
export { prepare, type Prepared } from './reach';
export { allocate, largestRemainder } from './money';
export { REASONS, type Explanation, type Reason } from './reasons';
