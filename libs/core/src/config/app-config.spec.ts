import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ConfigError, ENV_DOCS, loadConfig } from './app-config';

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

  it('documents every variable in the README table', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    for (const [name, description] of Object.entries(ENV_DOCS)) expect(readme).toContain(`| \`${name}\` | ${description.replace(/\|/g, '\\|')} |`);
  });
});
