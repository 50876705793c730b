// The NPU-scope rule lives in core (geography and auth both need it; auth depends on geography).
export { assertNpuAccess, canAccessNpu, scopedNpu } from '@beacon/core';
