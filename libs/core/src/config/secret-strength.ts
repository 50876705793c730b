/**
 * Production refuses secrets anyone could know or guess. Every value here has been published
 * (docker-compose's old defaults, the test suite's and the benchmark's fixed secrets): a
 * deployment that copied one would let anyone sign staff tokens or resident links.
 */
const PUBLISHED = new Set(
  [
    'change-me-change-me-change-me-change-me',
    'change-me-too-change-me-too-change-me-too',
    'change-this-admin-password',
    'test-jwt-secret-0123456789abcdef0123456789',
    'test-link-secret-0123456789abcdef012345678',
    'bench-jwt-secret-0123456789abcdef0123456789',
    'bench-link-secret-0123456789abcdef012345678',
    'test-password-123',
  ].map((s) => s.toLowerCase()),
);
const PLACEHOLDER = /change[-_ .]?(me|this)|replace[-_ .]?me|placeholder|your[-_ .]?secret|^(example|default|xxx+|…|\.\.\.)/i;
// Letters of a password once digits and punctuation are stripped: "Password1234", "Admin2024!".
const COMMON_WORDS = new Set(['password', 'passwrd', 'admin', 'administrator', 'beacon', 'police', 'welcome', 'letmein', 'qwerty', 'qwertyuiop', 'changeme', 'secret', 'iloveyou', 'monkey', 'dragon', 'login', 'master', 'abc', 'abcdef']);

/** Bits of the string's own character distribution (length × Shannon entropy). */
function shannonBits(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= n * Math.log2(n / s.length);
  return bits;
}

/** True when the string is a shorter unit repeated ("abcabcabc…", "0123…f0123…f"). */
function isRepetition(s: string): boolean {
  for (let p = 1; p <= s.length / 2; p++) {
    let i = p;
    while (i < s.length && s[i] === s[i - p]) i++;
    if (i === s.length) return true;
  }
  return false;
}

interface Rule {
  /** Fewest distinct characters: a random 32-character hex secret has fewer than 7 with odds of 2 in 10^10. */
  minDistinct: number;
  minBits: number;
}
const SECRET: Rule = { minDistinct: 7, minBits: 64 };
const PASSWORD: Rule = { minDistinct: 5, minBits: 30 };

function weakness(value: string, rule: Rule, password: boolean): string | undefined {
  const v = value.trim().toLowerCase();
  if (PUBLISHED.has(v)) return 'a known published value (docker-compose, docs or tests): set your own';
  if (PLACEHOLDER.test(v)) return 'a placeholder, not a secret: set your own';
  if (new Set(value).size < rule.minDistinct) return `too few distinct characters (at least ${rule.minDistinct})`;
  if (isRepetition(value)) return 'a short pattern repeated';
  if (shannonBits(value) < rule.minBits) return `too little entropy (about ${Math.floor(shannonBits(value))} bits; at least ${rule.minBits})`;
  if (password && COMMON_WORDS.has(v.replace(/[^a-z]/g, ''))) return 'a common password with digits or symbols added';
  return undefined;
}

/**
 * With NODE_ENV=production: one line per weak secret, named (`JWT_SECRET: …`). Values that
 * already failed their basic checks (length) are left to those. Suggest `openssl rand -hex 32`.
 */
export function productionSecretProblems(vars: { JWT_SECRET?: string; LINK_SECRET?: string; ADMIN_PASSWORD?: string }, alreadyBad: Set<string>): string[] {
  const problems: string[] = [];
  const check = (name: 'JWT_SECRET' | 'LINK_SECRET' | 'ADMIN_PASSWORD', rule: Rule, password: boolean) => {
    const value = vars[name];
    if (value === undefined || alreadyBad.has(name)) return;
    const why = weakness(value, rule, password);
    if (why) problems.push(`${name}: ${why}${password ? '' : ' (e.g. openssl rand -hex 32)'}`);
  };
  check('JWT_SECRET', SECRET, false);
  check('LINK_SECRET', SECRET, false);
  check('ADMIN_PASSWORD', PASSWORD, true);
  if (vars.JWT_SECRET && vars.JWT_SECRET === vars.LINK_SECRET) problems.push('JWT_SECRET/LINK_SECRET: must differ (a leak of one would give away the other)');
  return problems;
}
