import type { OpenAPIObject } from '@nestjs/swagger';

/** The error body every route answers a client mistake with (libs/core errors filter). */
export const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'title must be shorter than or equal to 200 characters' },
  },
} as const;

const GENERIC_VERBS = new Set(['get', 'list', 'create', 'update', 'remove', 'delete', 'show', 'find', 'index', 'page', 'form', 'submit']);

/** `MessagesController_sendTest` → "Send test"; a lone generic verb gets the controller's noun: "List messages". */
export function summaryFromOperationId(operationId: string): string {
  const [controller, method = controller] = operationId.split('_');
  const words = method.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/\s+/);
  if (words.length === 1 && GENERIC_VERBS.has(words[0]) && controller !== method) {
    words.push(controller.replace(/Controller$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());
  }
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * What Nest's document leaves out and every route has, filled in in one place so a new route
 * cannot miss it (test/openapi-lint.e2e-spec.ts lints the result with Redocly's recommended rules):
 * - a summary (an explicit `@ApiOperation({ summary })` wins; otherwise the handler's name);
 * - `security: []` on a route that needs no sign-in (`@Public()` routes carry no security);
 * - the standard error body for 4XX (validation, access, not found, rate limit: the errors filter);
 * - the server, the licence.
 */
export function completeOpenApi(doc: OpenAPIObject, publicUrl: string, license: string): OpenAPIObject {
  doc.servers = [{ url: publicUrl }];
  doc.info.license = { name: license, url: `https://spdx.org/licenses/${license}.html` };
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.ErrorBody = ERROR_BODY_SCHEMA as never;
  for (const item of Object.values(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.summary ??= summaryFromOperationId(op.operationId ?? `${method}`);
      op.security ??= [];
      const has4xx = Object.keys(op.responses ?? {}).some((code) => /^4(\d\d|XX)$/.test(code));
      if (!has4xx) {
        op.responses = {
          ...op.responses,
          '4XX': { description: 'A client mistake (bad input, not signed in, not allowed, not found, rate limited): nothing changed', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
        };
      }
    }
  }
  return doc;
}
