/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
export const SNOWFLAKE_EPOCH_MS = 1288834974657n;

/** Builds a snowflake ID (decimal string) for a time in epoch ms and 22 low bits. */
export function snowflakeId(epochMs: number, lowBits: number): string {
  return (((BigInt(epochMs) - SNOWFLAKE_EPOCH_MS) << 22n) | BigInt(lowBits & 0x3fffff)).toString();
}

/** Epoch ms encoded in a snowflake ID. */
export function snowflakeTime(id: string | bigint): number {
  return Number((BigInt(id) >> 22n) + SNOWFLAKE_EPOCH_MS);
}
