/**
 * How the Redshift warehouse reaches its cluster: over the PostgreSQL wire protocol
 * (`redshift://`) or through the Redshift Data API (`redshift-data://`). Both run the same SQL.
 */
export interface SqlRunner {
  /** Where the statements go, without credentials (for messages). */
  readonly target: string;
  /** Runs one read statement and returns its rows as objects keyed by column name. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /**
   * Runs `statements` as one transaction: all commit or none does. Resolves to the number of rows
   * each statement affected. A failure rejects with a `StatementError` naming the statement.
   */
  transaction(statements: readonly string[]): Promise<number[]>;
  close(): Promise<void>;
}

/** A statement of a transaction failed; the transaction was rolled back. */
export class StatementError extends Error {
  constructor(
    /** Position of the failing statement in the transaction, when the server says which. */
    readonly index: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StatementError';
  }
}
