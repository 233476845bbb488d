/**
 * EventBridge event-pattern validation and matching, faithful to EventBridge (proved by the 155 AWS-validated
 * conformance cases in test/conformance). Both the event and the pattern are flattened into dotted paths —
 * which is why an event key "state.status" matches a pattern nesting state → status, as on AWS.
 */
type Scalar = string | number | boolean | null;

export class InvalidEventPatternError extends Error {
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternException';
  }
}

type Matcher =
  | { kind: 'exact'; value: Scalar }
  | { kind: 'prefix' | 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'numeric'; checks: { op: string; value: number }[] }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; test: (ip: string) => boolean }
  | { kind: 'anything-but'; test: (value: Scalar) => boolean };

interface CompiledPattern {
  readonly leaves: { path: string; matchers: Matcher[] }[];
  readonly ors: CompiledPattern[][];
}

export interface EventMatcher {
  matches(event: unknown): boolean;
}

/** Validates a pattern (throwing InvalidEventPatternError with EventBridge's kind of reason) and compiles it. */
export function compileEventPattern(pattern: unknown): EventMatcher {
  if (!isObject(pattern)) throw new InvalidEventPatternError('Filter is not an object');
  if (Object.keys(pattern).length === 0) throw new InvalidEventPatternError('Empty objects are not allowed');
  const compiled = compileObject(pattern, '');
  // Only the event paths a pattern can look at are collected (and their dotted prefixes walked into).
  const leafPaths = new Set<string>();
  const collect = (node: CompiledPattern) => {
    for (const leaf of node.leaves) leafPaths.add(leaf.path);
    for (const branches of node.ors) branches.forEach(collect);
  };
  collect(compiled);
  const prefixes = new Set<string>();
  for (const path of leafPaths) {
    for (let index = path.indexOf('.'); index !== -1; index = path.indexOf('.', index + 1)) prefixes.add(path.slice(0, index));
  }
  return { matches: (event) => evaluate(compiled, flattenEvent(event, leafPaths, prefixes)) };
}

function compileObject(pattern: Record<string, unknown>, prefix: string): CompiledPattern {
  const leaves: CompiledPattern['leaves'] = [];
  const ors: CompiledPattern[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw new InvalidEventPatternError('$or must be an array of at least two objects');
      ors.push(
        value.map((branch) => {
          if (!isObject(branch) || Object.keys(branch).length === 0) throw new InvalidEventPatternError('$or branches must be non-empty objects');
          return compileObject(branch, prefix);
        }),
      );
      continue;
    }
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed (at "${path}")`);
      leaves.push({ path, matchers: value.map((element) => compileMatcher(element, path)) });
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) throw new InvalidEventPatternError(`Empty objects are not allowed (at "${path}")`);
      const nested = compileObject(value, path);
      leaves.push(...nested.leaves);
      ors.push(...nested.ors);
    } else {
      throw new InvalidEventPatternError(`"${path}" must be an object or an array`);
    }
  }
  return { leaves, ors };
}

function compileMatcher(element: unknown, path: string): Matcher {
  if (element === null || typeof element === 'string' || typeof element === 'number' || typeof element === 'boolean') {
    return { kind: 'exact', value: element };
  }
  if (!isObject(element)) throw new InvalidEventPatternError(`Match value at "${path}" must be a scalar or an object`);
  const entries = Object.entries(element);
  if (entries.length !== 1) throw new InvalidEventPatternError(`A match expression at "${path}" must have exactly one operator`);
  const [operator, operand] = entries[0] as [string, unknown];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return compilePrefixSuffix(operator, operand, path);
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw new InvalidEventPatternError(`equals-ignore-case match pattern must be a string (at "${path}")`);
      return { kind: 'equals-ignore-case', value: operand };
    case 'wildcard':
      if (typeof operand !== 'string') throw new InvalidEventPatternError(`wildcard match pattern must be a string (at "${path}")`);
      return { kind: 'wildcard', regex: wildcardRegex(operand) };
    case 'numeric':
      return { kind: 'numeric', checks: compileNumeric(operand, path) };
    case 'exists':
      if (typeof operand !== 'boolean') throw new InvalidEventPatternError(`exists match pattern must be either true or false (at "${path}")`);
      return { kind: 'exists', value: operand };
    case 'cidr':
      return { kind: 'cidr', test: compileCidr(operand, path) };
    case 'anything-but':
      return { kind: 'anything-but', test: compileAnythingBut(operand, path) };
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${operator} (at "${path}")`);
  }
}

function compilePrefixSuffix(operator: 'prefix' | 'suffix', operand: unknown, path: string): Matcher {
  if (typeof operand === 'string') return { kind: operator, value: operand, ignoreCase: false };
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    const inner = operand['equals-ignore-case'];
    if (keys.length === 1 && typeof inner === 'string') return { kind: operator, value: inner.toLowerCase(), ignoreCase: true };
  }
  throw new InvalidEventPatternError(`${operator} match pattern must be a string (at "${path}")`);
}

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function compileNumeric(operand: unknown, path: string): { op: string; value: number }[] {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new InvalidEventPatternError(`Value of numeric must be an array of operator and number pairs (at "${path}")`);
  }
  const checks: { op: string; value: number }[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const op = operand[index];
    const value = operand[index + 1];
    if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op)) throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${String(op)} (at "${path}")`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidEventPatternError(`Value of ${op} must be a number (at "${path}")`);
    checks.push({ op, value });
  }
  if (checks.length === 2) {
    const [lower, upper] = checks as [{ op: string; value: number }, { op: string; value: number }];
    if (!(lower.op === '>' || lower.op === '>=') || !(upper.op === '<' || upper.op === '<=')) {
      throw new InvalidEventPatternError(`A numeric range must be a lower bound followed by an upper bound (at "${path}")`);
    }
    if (lower.value >= upper.value) throw new InvalidEventPatternError(`Bottom must be less than top (at "${path}")`);
  }
  return checks;
}

function compileAnythingBut(operand: unknown, path: string): (value: Scalar) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => !scalarEquals(value, operand);
  if (Array.isArray(operand)) {
    if (operand.length === 0 || !operand.every((item) => typeof item === 'string' || typeof item === 'number')) {
      throw new InvalidEventPatternError(`Inside anything but list, start|null|boolean is not supported (at "${path}")`);
    }
    return (value) => !operand.some((item) => scalarEquals(value, item as string | number));
  }
  if (isObject(operand)) {
    const entries = Object.entries(operand);
    if (entries.length !== 1) throw new InvalidEventPatternError(`anything-but takes one operator (at "${path}")`);
    const [operator, inner] = entries[0] as [string, unknown];
    const strings = stringList(inner, operator, path);
    switch (operator) {
      case 'prefix':
        if (strings.some((text) => text === '')) throw new InvalidEventPatternError(`Null prefix/suffix not allowed (at "${path}")`);
        return (value) => !(typeof value === 'string' && strings.some((text) => value.startsWith(text)));
      case 'suffix':
        if (strings.some((text) => text === '')) throw new InvalidEventPatternError(`Null prefix/suffix not allowed (at "${path}")`);
        return (value) => !(typeof value === 'string' && strings.some((text) => value.endsWith(text)));
      case 'equals-ignore-case': {
        const lowered = strings.map((text) => text.toLowerCase());
        return (value) => !(typeof value === 'string' && lowered.includes(value.toLowerCase()));
      }
      case 'wildcard': {
        const regexes = strings.map(wildcardRegex);
        return (value) => !(typeof value === 'string' && regexes.some((regex) => regex.test(value)));
      }
      default:
        throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${operator} (at "${path}")`);
    }
  }
  throw new InvalidEventPatternError(`anything-but must be a string, a number, a list of them, or an object (at "${path}")`);
}

function stringList(inner: unknown, operator: string, path: string): string[] {
  if (typeof inner === 'string') return [inner];
  if (Array.isArray(inner) && inner.length > 0 && inner.every((item) => typeof item === 'string')) return inner as string[];
  throw new InvalidEventPatternError(`anything-but ${operator} must be a string or a list of strings (at "${path}")`);
}

const MAX_WILDCARDS = 5;

/** `*` matches any run of characters; `\*` and `\\` are literal; consecutive `**` are rejected, as on AWS. */
function wildcardRegex(pattern: string): RegExp {
  // EventBridge rejects wildcard patterns whose matching machine is too complex. Its exact evaluator is internal;
  // more than five wildcards is the bound consistent with every AWS-validated case (an approximation).
  if ((pattern.match(/(?<!\\)\*/g) ?? []).length > MAX_WILDCARDS) {
    throw new InvalidEventPatternError(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
  }
  let source = '';
  let previousWasStar = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === '\\') {
      const next = pattern[index + 1];
      if (next !== '*' && next !== '\\') throw new InvalidEventPatternError('Wildcard escape must be \\* or \\\\');
      source += `\\${next}`;
      index++;
      previousWasStar = false;
    } else if (char === '*') {
      if (previousWasStar) throw new InvalidEventPatternError('Consecutive wildcard characters are not allowed');
      source += '[\\s\\S]*';
      previousWasStar = true;
    } else {
      source += char.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
      previousWasStar = false;
    }
  }
  return new RegExp(`^${source}$`);
}

function compileCidr(operand: unknown, path: string): (ip: string) => boolean {
  if (typeof operand !== 'string') throw new InvalidEventPatternError(`cidr must be a string (at "${path}")`);
  const [address, maskText, ...rest] = operand.split('/');
  const network = address === undefined ? undefined : parseIp(address);
  const bits = network?.length === 4 ? 32 : 128;
  const mask = maskText === undefined ? bits : /^\d{1,3}$/.test(maskText) ? Number(maskText) : NaN;
  if (!network || rest.length > 0 || !Number.isInteger(mask) || mask < 0 || mask > bits) {
    throw new InvalidEventPatternError(`Nonstandard IP address: ${operand} (at "${path}")`);
  }
  return (ip) => {
    const candidate = parseIp(ip);
    if (!candidate || candidate.length !== network.length) return false;
    for (let bit = 0; bit < mask; bit++) {
      const byte = Math.floor(bit / 8);
      const shift = 7 - (bit % 8);
      if (((candidate[byte] as number) >> shift) % 2 !== ((network[byte] as number) >> shift) % 2) return false;
    }
    return true;
  };
}

function parseIp(text: string): number[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    return parts.every((part) => part <= 255) ? parts : undefined;
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0 || (halves.length === 2 && missing < 1)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function evaluate(pattern: CompiledPattern, values: Map<string, Scalar[]>): boolean {
  for (const leaf of pattern.leaves) {
    const found = values.get(leaf.path) ?? [];
    if (!leaf.matchers.some((matcher) => matchesLeaf(matcher, found))) return false;
  }
  return pattern.ors.every((branches) => branches.some((branch) => evaluate(branch, values)));
}

function matchesLeaf(matcher: Matcher, values: Scalar[]): boolean {
  switch (matcher.kind) {
    case 'exists':
      return matcher.value ? values.length > 0 : values.length === 0;
    case 'exact':
      return values.some((value) => scalarEquals(value, matcher.value));
    case 'prefix':
      return values.some((value) => typeof value === 'string' && (matcher.ignoreCase ? value.toLowerCase() : value).startsWith(matcher.value));
    case 'suffix':
      return values.some((value) => typeof value === 'string' && (matcher.ignoreCase ? value.toLowerCase() : value).endsWith(matcher.value));
    case 'equals-ignore-case':
      return values.some((value) => typeof value === 'string' && value.toLowerCase() === matcher.value.toLowerCase());
    case 'wildcard':
      return values.some((value) => typeof value === 'string' && matcher.regex.test(value));
    case 'numeric':
      return values.some((value) => typeof value === 'number' && matcher.checks.every((check) => compareNumber(value, check.op, check.value)));
    case 'cidr':
      return values.some((value) => typeof value === 'string' && matcher.test(value));
    case 'anything-but':
      return values.some((value) => matcher.test(value));
  }
}

function compareNumber(value: number, op: string, bound: number): boolean {
  switch (op) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    default:
      return value >= bound;
  }
}

function scalarEquals(a: Scalar, b: Scalar): boolean {
  return a === b;
}

function flattenEvent(event: unknown, leafPaths: ReadonlySet<string>, prefixes: ReadonlySet<string>): Map<string, Scalar[]> {
  const values = new Map<string, Scalar[]>();
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      for (const element of node) visit(element, path);
    } else if (isObject(node)) {
      for (const key in node) {
        const childPath = path === '' ? key : `${path}.${key}`;
        // Keys may themselves contain dots ("state.status"), so test the joined path, not the key.
        if (leafPaths.has(childPath) || prefixes.has(childPath) || key.includes('.')) visit(node[key], childPath);
      }
    } else if (path !== '' && leafPaths.has(path)) {
      const list = values.get(path) ?? [];
      list.push(node as Scalar);
      values.set(path, list);
    }
  };
  visit(event, '');
  return values;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses pattern JSON text keeping repeated keys, as EventBridge does: when a key repeats in one object,
 * its match lists are combined (either may match) and nested objects are merged.
 */
export function parsePatternText(text: string): unknown {
  let index = 0;
  const fail = (message: string): never => {
    throw new InvalidEventPatternError(`${message} at offset ${index}`);
  };
  const skip = () => {
    while (index < text.length && /\s/.test(text[index] as string)) index++;
  };
  const parseValue = (): unknown => {
    skip();
    const char = text[index];
    if (char === '{') return parseObject();
    if (char === '[') return parseArray();
    if (char === '"') return parseString();
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(index));
    if (!literal) return fail('Unexpected token');
    index += literal[0].length;
    return JSON.parse(literal[0]);
  };
  const parseString = (): string => {
    const match = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(index));
    if (!match) return fail('Unterminated string');
    index += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const parseArray = (): unknown[] => {
    index++;
    const items: unknown[] = [];
    skip();
    if (text[index] === ']') {
      index++;
      return items;
    }
    for (;;) {
      items.push(parseValue());
      skip();
      if (text[index] === ',') index++;
      else if (text[index] === ']') {
        index++;
        return items;
      } else fail('Expected , or ]');
    }
  };
  const parseObject = (): Record<string, unknown> => {
    index++;
    const result: Record<string, unknown> = {};
    skip();
    if (text[index] === '}') {
      index++;
      return result;
    }
    for (;;) {
      skip();
      const key = parseString();
      skip();
      if (text[index] !== ':') fail('Expected :');
      index++;
      const value = parseValue();
      result[key] = key in result ? mergeDuplicate(result[key], value) : value;
      skip();
      if (text[index] === ',') index++;
      else if (text[index] === '}') {
        index++;
        return result;
      } else fail('Expected , or }');
    }
  };
  const value = parseValue();
  skip();
  if (index !== text.length) fail('Trailing characters');
  return value;
}

function mergeDuplicate(existing: unknown, incoming: unknown): unknown {
  if (Array.isArray(existing) && Array.isArray(incoming)) return [...existing, ...incoming];
  if (isObject(existing) && isObject(incoming)) {
    const merged: Record<string, unknown> = { ...existing };
    for (const [key, value] of Object.entries(incoming)) merged[key] = key in merged ? mergeDuplicate(merged[key], value) : value;
    return merged;
  }
  return incoming;
}
