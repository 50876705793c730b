/**
 * TypeORM's `query()` returns rows for SELECT/INSERT but `[rows, rowCount]` for UPDATE and
 * DELETE (also with RETURNING); this gives rows either way. Rows are objects, never arrays,
 * so the shapes cannot be confused.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
