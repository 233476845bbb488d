import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { PutEventsValidationError, type LocalEventBus, type PutEventsEntry } from './event-bus';
import { errorFields, runtimeLog } from './log';
import { BodyTooLargeError, readRequestBody } from './request-body';

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
        const body = await readRequestBody(request, 1024 * 1024);
        if (target !== 'AWSEvents.PutEvents') {
          return reply(400, { __type: 'UnknownOperationException', message: `The local event bus supports PutEvents only (got ${String(target)})` });
        }
        const input = JSON.parse(body.toString('utf8') || '{}') as { Entries?: PutEventsEntry[] };
        reply(200, await bus.putEvents(input.Entries ?? []));
      } catch (error) {
        if (error instanceof PutEventsValidationError || error instanceof BodyTooLargeError) return reply(400, { __type: 'ValidationException', message: error.message });
        runtimeLog('ERROR', 'event-bus', 'PutEvents failed', errorFields(error));
        reply(500, { __type: 'InternalException', message: 'Internal error' });
      }
    })();
  });
}
