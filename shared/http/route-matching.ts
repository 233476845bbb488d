/**
 * Matches a request to declared routes the way API Gateway HTTP APIs do for our route shapes:
 * literal segments match exactly, `{name}` matches one non-empty segment (the parameter is URL-decoded).
 */
export interface RouteShape {
  readonly method: string;
  readonly path: string;
}

export type RouteMatch<R extends RouteShape> =
  | { kind: 'matched'; route: R; pathParameters: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface Compiled<R> {
  readonly route: R;
  readonly regex: RegExp;
  readonly names: string[];
  /** Literal segments outrank parameters, like API Gateway's "most specific match". */
  readonly specificity: number;
}

export function compileRoutes<R extends RouteShape>(routes: readonly R[]): (method: string, path: string) => RouteMatch<R> {
  const compiled: Compiled<R>[] = routes.map((route) => {
    const names: string[] = [];
    const segments = route.path.split('/').filter(Boolean);
    const pattern = segments
      .map((segment) => {
        const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
        if (param?.[1]) {
          names.push(param[1]);
          return '/([^/]+)';
        }
        return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      })
      .join('');
    return { route, regex: new RegExp(`^${pattern}/?$`), names, specificity: segments.length * 2 - names.length };
  });
  compiled.sort((a, b) => b.specificity - a.specificity);

  return (method, path) => {
    const allowed = new Set<string>();
    for (const candidate of compiled) {
      const match = candidate.regex.exec(path);
      if (!match) continue;
      if (candidate.route.method !== method) {
        allowed.add(candidate.route.method);
        continue;
      }
      const pathParameters: Record<string, string> = {};
      let decodable = true;
      candidate.names.forEach((name, index) => {
        try {
          pathParameters[name] = decodeURIComponent(match[index + 1] ?? '');
        } catch {
          decodable = false;
        }
      });
      if (!decodable) continue;
      return { kind: 'matched', route: candidate.route, pathParameters };
    }
    if (allowed.size > 0) return { kind: 'method-not-allowed', allowed: [...allowed].sort() };
    return { kind: 'not-found' };
  };
}
