import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from '../../shared/http/stack';

/** The analytics routes answer CSV when the caller's Accept header asks for text/csv, JSON otherwise. */
export function wantsCsv(event: APIGatewayProxyEventV2): boolean {
  const accept = event.headers?.accept ?? event.headers?.Accept ?? '';
  return accept.split(',').some((type) => type.trim().toLowerCase().startsWith('text/csv'));
}

export function csvResult(body: string, name: string): HttpResult {
  return { status: 200, body, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` } };
}
