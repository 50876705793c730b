import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, describeConfig, ENV_DOCS, loadConfig } from './app-config';

describe('config', () => {
  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_URL: 'postgres://x', PORT: 'eighty', SMTP_URL: 'http://nope', JWT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'SMTP_URL', 'JWT_SECRET', 'LINK_SECRET']) expect(message).toContain(name);
  });

  it('a read replica: needs DATABASE_URL; its password is masked like the primary\'s', () => {
    expect(() => loadConfig({ REPORTS_DATABASE_URL: 'postgres://reader:pw@replica/beacon' })).toThrow(/REPORTS_DATABASE_URL: needs DATABASE_URL/);
    const secrets = { JWT_SECRET: 'j'.repeat(16) + 'k'.repeat(16), LINK_SECRET: 'l'.repeat(16) + 'm'.repeat(16) };
    const config = loadConfig({ DATABASE_URL: 'postgres://beacon:pw@db/beacon', REPORTS_DATABASE_URL: 'postgres://reader:secret@replica/beacon', ...secrets });
    expect(config.db).toEqual(expect.objectContaining({ reportsUrl: 'postgres://reader:secret@replica/beacon', heartbeatSeconds: 5 }));
    expect(JSON.stringify(describeConfig(config))).toContain('postgres://reader:***@replica/beacon');
    expect(JSON.stringify(describeConfig(config))).not.toContain('secret@');
    expect(loadConfig({ DATABASE_URL: 'postgres://beacon:pw@db/beacon', ...secrets }).db.reportsUrl).toBeUndefined();
  });

  it('documents every variable in the README table', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    for (const [name, description] of Object.entries(ENV_DOCS)) expect(readme).toContain(`| \`${name}\` | ${description.replace(/\|/g, '\\|')} |`);
  });
});

describe('config: secrets in production', () => {
  const strong = {
    DATABASE_URL: 'postgres://beacon@db/beacon',
    JWT_SECRET: '3f9c1b7e5a2d8f406c1e9b3a7d5f2c8e1a6b4d9f0e3c7a5b',
    LINK_SECRET: 'Qm7xT2vK9pL4rW8nZ3yH6jD1fG5sB0cA',
    ADMIN_EMAIL: 'admin@force.police.uk',
    ADMIN_PASSWORD: 'vq8-Lamp-Orbit-42',
  };
  const problemsWith = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    return '';
  };

  it('boots with strong, distinct secrets', () => {
    expect(problemsWith({ ...strong, NODE_ENV: 'production' })).toBe('');
  });

  it("refuses docker-compose's and the docs' defaults, naming each variable in one error", () => {
    const compose = readFileSync(new URL('../../../../docker-compose.yml', import.meta.url), 'utf8');
    // The compose file itself no longer carries defaults for them (it requires them to be set).
    for (const name of ['JWT_SECRET', 'LINK_SECRET', 'ADMIN_PASSWORD']) expect(compose).toMatch(new RegExp(`${name}: "?\\$\\{${name}:\\?`));
    const message = problemsWith({
      ...strong,
      NODE_ENV: 'production',
      JWT_SECRET: 'change-me-change-me-change-me-change-me',
      LINK_SECRET: 'change-me-too-change-me-too-change-me-too',
      ADMIN_PASSWORD: 'change-this-admin-password',
    });
    for (const name of ['JWT_SECRET', 'LINK_SECRET', 'ADMIN_PASSWORD']) expect(message).toMatch(new RegExp(`^  - ${name}: .*(known|published)`, 'm'));
    // The test suite's secrets are published too.
    expect(problemsWith({ ...strong, NODE_ENV: 'production', JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789' })).toMatch(/JWT_SECRET: .*published/);
  });

  it('refuses short, repetitive or low-entropy secrets and JWT_SECRET equal to LINK_SECRET', () => {
    const prod = { ...strong, NODE_ENV: 'production' };
    expect(problemsWith({ ...prod, JWT_SECRET: 'a'.repeat(64) })).toMatch(/JWT_SECRET: .*distinct characters/);
    expect(problemsWith({ ...prod, LINK_SECRET: 'abcdefgh'.repeat(5) })).toMatch(/LINK_SECRET: .*(distinct|entropy|repeat)/);
    expect(problemsWith({ ...prod, JWT_SECRET: '0123456789abcdef0123456789abcdef' })).toMatch(/JWT_SECRET: .*(entropy|repeat)/);
    expect(problemsWith({ ...prod, ADMIN_PASSWORD: 'aaaaaaaaaaaa' })).toMatch(/ADMIN_PASSWORD: /);
    expect(problemsWith({ ...prod, ADMIN_PASSWORD: 'Password1234' })).toMatch(/ADMIN_PASSWORD: .*common/);
    const same = problemsWith({ ...prod, LINK_SECRET: strong.JWT_SECRET });
    expect(same).toMatch(/JWT_SECRET\/LINK_SECRET: .*differ/);
    // Several bad ones: all named in the one error.
    const all = problemsWith({ ...prod, JWT_SECRET: 'x'.repeat(40), LINK_SECRET: 'short', ADMIN_PASSWORD: 'change-this-admin-password' });
    for (const name of ['JWT_SECRET', 'LINK_SECRET', 'ADMIN_PASSWORD']) expect(all).toMatch(new RegExp(`^  - ${name}: `, 'm'));
  });

  it('outside production the same values still boot (development and tests use fixed secrets)', () => {
    expect(problemsWith({ ...strong, NODE_ENV: 'test', JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789', LINK_SECRET: 'test-link-secret-0123456789abcdef012345678' })).toBe('');
  });

  it('random secrets of the documented sizes always pass (openssl rand -hex 32 / -base64 32)', () => {
    for (let i = 0; i < 500; i++) {
      const hex = randomBytes(32).toString('hex');
      const b64 = randomBytes(32).toString('base64');
      const hex16 = randomBytes(16).toString('hex');
      expect(problemsWith({ ...strong, NODE_ENV: 'production', JWT_SECRET: hex, LINK_SECRET: b64 })).toBe('');
      expect(problemsWith({ ...strong, NODE_ENV: 'production', JWT_SECRET: hex16 })).toBe('');
    }
  });
});
