// Where a mutation run of one source file keeps its files (scripts/mutation.mjs writes them,
// scripts/mutation-recheck.mjs reads them): libs/funding/src/money.ts → funding-src-money.
export const slug = (file) => file.replace(/^libs\//, '').replace(/\.ts$/, '').replace(/[/.]/g, '-');
