import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { PutEventsValidationError, type LocalEventBus, type PutEventsEntry } from './event-bus';
import { errorFields, runtimeLog } from './log';

/**
 * The EventBridge PutEvents wire protocol (AWS JSON 1.1) in front of the local bus, so publishers use the real
 * SDK client (with EVENTBRIDGE_ENDPOINT) exactly as they do on AWS.
 */
export function createEventBridgeServer(bus: LocalEventBus): Server {
  return createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      response.setHeader('x-amzn-requestid', randomUUID());
      response.end(JSON.stringify(body));
    };
    void (async () => {
      try {
        const target = request.headers['x-amz-target'];
        const body = await readAll(request, 1024 * 1024);
        if (target !== 'AWSEvents.PutEvents') {
          return reply(400, { __type: 'UnknownOperationException', message: `The local event bus supports PutEvents only (got ${String(target)})` });
        }
        const input = JSON.parse(body.toString('utf8') || '{}') as { Entries?: PutEventsEntry[] };
        reply(200, await bus.putEvents(input.Entries ?? []));
      } catch (error) {
        if (error instanceof PutEventsValidationError) return reply(400, { __type: 'ValidationException', message: error.message });
        runtimeLog('ERROR', 'event-bus', 'PutEvents failed', errorFields(error));
        reply(500, { __type: 'InternalException', message: 'Internal error' });
      }
    })();
  });
}

async function readAll(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new PutEventsValidationError('Request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
