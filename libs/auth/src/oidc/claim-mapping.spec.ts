import { describe, expect, it } from '@jest/globals';
import { mapClaims } from './claim-mapping';

describe('OIDC claims → Beacon role and NPU', () => {
  const byName = { roleClaim: 'roles', roleMap: null, npuClaim: 'npu' };
  const mapped = { roleClaim: 'groups', roleMap: { 'g-admins': 'admin', 'g-eco': 'eco', 'g-analysts': 'analyst' } as const, npuClaim: 'npu' };

  it('reads Beacon role names when there is no map, ignoring anything else', () => {
    expect(mapClaims({ roles: ['eco', 'Domain Users'], npu: 'be' }, byName)).toEqual({ role: 'eco', npuCode: 'BE' });
    expect(mapClaims({ roles: 'analyst' }, byName)).toEqual({ role: 'analyst', npuCode: null });
    expect(mapClaims({ roles: ['Domain Users'] }, byName)).toEqual({ role: null, npuCode: null });
    expect(mapClaims({}, byName)).toEqual({ role: null, npuCode: null });
  });

  it('maps groups through the map; the most capable role wins; unmapped values give nothing', () => {
    expect(mapClaims({ groups: ['g-analysts', 'g-admins'] }, mapped)).toEqual({ role: 'admin', npuCode: null });
    expect(mapClaims({ groups: ['g-eco'], npu: 'SW' }, mapped)).toEqual({ role: 'eco', npuCode: 'SW' });
    // A Beacon role name is not a group: with a map, only the map counts.
    expect(mapClaims({ groups: ['admin'] }, mapped)).toEqual({ role: null, npuCode: null });
    expect(mapClaims({ groups: ['__proto__', 'constructor'] }, mapped)).toEqual({ role: null, npuCode: null });
  });
});
