/**
 * Column values as the two SQL stores hand them back: SQLite keeps timestamps and JSON as text,
 * node-postgres turns TIMESTAMPTZ into a Date and JSONB into a parsed value. A row type shared by both
 * stores types such a column as the union, and reads it through these.
 */

/** A timestamp column as ISO-8601 text. */
export function isoTime(value: string | Date): string {
  return typeof value === 'string' ? value : value.toISOString()
}

/** A nullable timestamp column as ISO-8601 text, or null. */
export function isoTimeOrNull(value: string | Date | null): string | null {
  return value === null ? null : isoTime(value)
}

/** A JSON column (TEXT in SQLite, JSONB in PostgreSQL) as its value; the JSON in it is an object or an array. */
export function jsonColumn<T extends object>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value
}

/** A nullable JSON column as its value, or null. */
export function jsonColumnOrNull<T extends object>(value: T | string | null): T | null {
  return value === null ? null : jsonColumn(value)
}
