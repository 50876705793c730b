import { ValidationError, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? `${path}${m.slice(e.property.length)}` : `${path}: ${m}`));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

// No DTO nests deeper than 3; class-transformer recurses without a limit (a 20 000-level body
// overflowed the stack: 500).
const MAX_DEPTH = 16;

/**
 * The first problem class-validator cannot see in parsed input: nesting deep enough to
 * overflow class-transformer's recursion, an own `__proto__` key (JSON.parse and
 * querystring keep it as data; class-transformer then drops it without a word, so
 * whitelisting never names it), or a NUL character, which no PostgreSQL text column can
 * hold (the INSERT failed with a 500).
 */
function hiddenProblem(value: unknown, prefix = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? `${prefix || 'value'}: must not contain NUL characters` : undefined;
  if (!value || typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return `${prefix || 'value'}: nested too deeply`;
  for (const key of Object.keys(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (key === '__proto__') return `${path}: property __proto__ should not exist`;
    if (key.includes('\u0000')) return `${prefix || 'value'}: property names must not contain NUL characters`;
    const inner = hiddenProblem((value as Record<string, unknown>)[key], path, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = this.toValidate(metadata) ? hiddenProblem(value) : undefined;
    if (problem) throw new DomainException('VALIDATION', `Validation failed: ${problem}`, [problem]);
    return super.transform(value, metadata);
  }
}

/** The global pipe: strips nothing silently — unknown fields are a 400 that names them. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new DomainException('VALIDATION', `Validation failed: ${details.join('; ')}`, details);
    },
  });
}
