/** Orders DynamoDB stream sequence numbers: decimal strings of varying length, compared numerically. */
export function compareSequenceNumbers(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
