import { quoteIdent } from '../../core/sql-quote.js';
import { type ColumnKind, sqlType, type TableSpec } from '../../schema/tables.js';

export { quoteIdent, quoteString } from '../../core/sql-quote.js';

/** How a column is staged from JavaScript values before it is cast to its real type. */
export function stagingType(kind: ColumnKind): string {
  if (kind === 'int' || kind === 'int32' || kind === 'double') return 'DOUBLE';
  if (kind === 'bool') return 'BOOLEAN';
  return 'VARCHAR';
}

/**
 * The SELECT list that casts staged values to the contract's types. A counter is rounded to an
 * integer (half to even); one its column cannot hold (a `like_count` of 1e20) is NULL.
 */
export function castSelect(spec: TableSpec): string {
  return spec.columns
    .map(([col, kind]) => {
      const type = sqlType(kind) === 'DOUBLE PRECISION' ? 'DOUBLE' : sqlType(kind);
      if (type === 'VARCHAR' || type === 'BOOLEAN') return quoteIdent(col);
      const cast = kind === 'int' || kind === 'int32' ? 'TRY_CAST' : 'CAST';
      return `${cast}(${quoteIdent(col)} AS ${type}) AS ${quoteIdent(col)}`;
    })
    .join(', ');
}
