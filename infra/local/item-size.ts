/**
 * The size DynamoDB bills an item by, from its wire form (AttributeValue JSON), following DynamoDB's documented
 * rules: attribute names and strings count their UTF-8 bytes, binaries their bytes, a number about one byte per two
 * significant digits plus one, booleans and nulls one byte, and lists and maps three bytes plus one per element.
 * DynamoDB Local reports the capacity of a multi-item transaction wrongly (it does not charge every item), so the
 * metering guard prices transactional writes itself from these sizes.
 */
export type WireValue = Readonly<Record<string, unknown>>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

function numberSize(text: string): number {
  const digits = text.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

export function valueSize(value: WireValue): number {
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return utf8(String(inner));
    case 'N':
      return numberSize(String(inner));
    case 'B':
      return Buffer.from(String(inner), 'base64').length;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (inner as string[]).reduce((sum, element) => sum + utf8(element), 0);
    case 'NS':
      return (inner as string[]).reduce((sum, element) => sum + numberSize(element), 0);
    case 'BS':
      return (inner as string[]).reduce((sum, element) => sum + Buffer.from(element, 'base64').length, 0);
    case 'L':
      return 3 + (inner as WireValue[]).reduce((sum, element) => sum + valueSize(element) + 1, 0);
    case 'M':
      return 3 + Object.entries(inner as Record<string, WireValue>).reduce((sum, [name, element]) => sum + utf8(name) + valueSize(element) + 1, 0);
    default:
      return 0;
  }
}

export function itemSize(item: Readonly<Record<string, WireValue>>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** Write units of one standard write of an item of `bytes` (1 KB each, at least one). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/** A transactional write costs two units per KB of each item (prepare and commit), at least two. */
export function transactionalWriteUnits(bytes: number): number {
  return 2 * writeUnits(bytes);
}
