/**
 * Pinecone's metadata filter language, as the emulator evaluates it: `{field: value}` is `$eq`;
 * operators `$eq $ne $gt $gte $lt $lte $in $nin $exists`; combinators `$and` / `$or`. A list-valued
 * (string array) field matches `$eq`/`$in` when any element does, and `$ne`/`$nin` when none does,
 * which is how Pinecone treats `string_list` metadata.
 */
export type Metadata = Record<string, unknown>

export class FilterError extends Error {}

const COMPARATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'])

export function validateFilter(filter: unknown): void {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new FilterError('filter must be an object')
  }
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(cond)) throw new FilterError(`${key} takes an array of filters`)
      for (const sub of cond) validateFilter(sub)
      continue
    }
    if (key.startsWith('$')) throw new FilterError(`unsupported filter operator ${key}`)
    if (typeof cond === 'object' && cond !== null && !Array.isArray(cond)) {
      for (const [op, arg] of Object.entries(cond)) {
        if (!COMPARATORS.has(op)) throw new FilterError(`unsupported filter operator ${op}`)
        if ((op === '$in' || op === '$nin') && !Array.isArray(arg)) throw new FilterError(`${op} takes an array`)
        if (['$gt', '$gte', '$lt', '$lte'].includes(op) && typeof arg !== 'number') {
          throw new FilterError(`${op} takes a number`)
        }
      }
    }
  }
}

export function matchesFilter(metadata: Metadata | undefined, filter: Record<string, unknown>): boolean {
  const md = metadata ?? {}
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and') {
      if (!(cond as Record<string, unknown>[]).every((f) => matchesFilter(md, f))) return false
      continue
    }
    if (key === '$or') {
      if (!(cond as Record<string, unknown>[]).some((f) => matchesFilter(md, f))) return false
      continue
    }
    const ops: Record<string, unknown> =
      typeof cond === 'object' && cond !== null && !Array.isArray(cond) ? (cond as Record<string, unknown>) : { $eq: cond }
    for (const [op, arg] of Object.entries(ops)) {
      if (!compare(md[key], op, arg)) return false
    }
  }
  return true
}

function compare(value: unknown, op: string, arg: unknown): boolean {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value]
  switch (op) {
    case '$exists':
      return (value !== undefined) === arg
    case '$eq':
      return values.some((v) => v === arg)
    case '$ne':
      return !values.some((v) => v === arg)
    case '$in':
      return values.some((v) => (arg as unknown[]).includes(v))
    case '$nin':
      return !values.some((v) => (arg as unknown[]).includes(v))
    case '$gt':
      return typeof value === 'number' && value > (arg as number)
    case '$gte':
      return typeof value === 'number' && value >= (arg as number)
    case '$lt':
      return typeof value === 'number' && value < (arg as number)
    case '$lte':
      return typeof value === 'number' && value <= (arg as number)
    default:
      return false
  }
}
