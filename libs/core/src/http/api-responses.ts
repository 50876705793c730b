import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * A report that answers JSON of `type` (an array of it with `isArray`), or the same figures as
 * CSV with `?format=csv`: both media types in /docs-json.
 */
export function ApiJsonOrCsvResponse(type: Type<unknown>, opts: { isArray?: boolean; description?: string } = {}): MethodDecorator {
  const ref = { $ref: getSchemaPath(type) };
  return applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description: opts.description ?? 'JSON, or CSV with ?format=csv',
      content: { 'application/json': { schema: opts.isArray ? { type: 'array', items: ref } : ref }, 'text/csv': { schema: { type: 'string' } } },
    }),
  );
}

/** A route that answers a document that is not JSON (an HTML page, an SVG chart, a CSV file). */
export function ApiDocumentResponse(contentType: string, description: string): MethodDecorator {
  return ApiOkResponse({ description, content: { [contentType]: { schema: { type: 'string' } } } });
}
