/**
 * An HTTP proxy in front of the moto server that records every AWS call passing through it, so a
 * test can count calls made by code that builds its own clients (the CLI, the handler), and that
 * injects faults where a test asks:
 *
 *   const proxy = await recordingProxy(motoEndpoint()!);
 *   vi.stubEnv('AWS_ENDPOINT_URL', proxy.endpoint);
 *   proxy.inject({ action: 'Publish', when: 'after' });   // SNS publishes, then answers 500
 *   ... proxy.calls('DeregisterTaskDefinition', family).length
 *   await proxy.close();
 *
 * Counting at the proxy rather than in the code's own results is the point: it sees the SDK's
 * retries and every invocation's calls, whatever the code believes it did.
 *
 * DynamoDB calls are forwarded one at a time. DynamoDB applies a conditional write atomically;
 * moto does not (its server is threaded and its DynamoDB takes no lock, so two concurrent
 * conditional writes can both pass their check). Serializing them makes moto as strict as
 * DynamoDB, so concurrency tests test our code, not moto's races.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** The service, as the request is signed for: `ecs`, `dynamodb`, `sns`, `ssm`… */
  service: string;
  /** The operation: `DeregisterTaskDefinition`, `Publish`, `PutItem`… */
  action: string;
  body: string;
  /** `before`: the proxy answered 500 and AWS never saw the call; `after`: AWS did it, the caller got a 500. */
  fault?: 'before' | 'after';
}

export interface Fault {
  action: string;
  /** Only calls whose request body contains this text, or matches this expression. */
  contains?: string | RegExp;
  /** Let this many matching calls through first (the fault hits the Nth + 1). */
  skip?: number;
  /** How many matching calls fail (default 1; the SDK retries a 500 several times). */
  times?: number;
  /** `before` (default): fail without forwarding; `after`: forward, then answer 500 anyway. */
  when?: 'before' | 'after';
  /** Answer this client error (403) instead of a 500, e.g. `AccessDenied`: a refusal no retry fixes. */
  refuse?: string;
}

export interface RecordingProxy {
  endpoint: string;
  /** The calls of one operation that reached AWS, optionally only those whose request body contains `text`. */
  calls: (action: string, text?: string) => RecordedCall[];
  /** Every call, in order, faults included. */
  all: () => RecordedCall[];
  inject: (fault: Fault) => void;
  close: () => Promise<void>;
}

export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const recorded: RecordedCall[] = [];
  const faults: (Fault & { seen: number; failed: number })[] = [];
  const faultFor = (call: RecordedCall): Fault | undefined => {
    for (const fault of faults) {
      const { contains } = fault;
      if (
        fault.action !== call.action ||
        (typeof contains === 'string' && !call.body.includes(contains)) ||
        (contains instanceof RegExp && !contains.test(call.body))
      )
        continue;
      if (fault.seen++ < (fault.skip ?? 0) || fault.failed >= (fault.times ?? 1)) continue;
      fault.failed++;
      return fault;
    }
    return undefined;
  };
  let dynamodb: Promise<void> = Promise.resolve();
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const amzTarget = incoming.headers['x-amz-target'];
      const call: RecordedCall = { service: serviceOf(incoming.headers.authorization), action: operationOf(amzTarget, body), body: body.toString() };
      recorded.push(call);
      const fault = faultFor(call);
      const json = String(incoming.headers['content-type'] ?? '').includes('json');
      if (fault) call.fault = fault.when ?? 'before';
      if (call.fault === 'before') return fault?.refuse ? clientError(outgoing, json, fault.refuse) : serverError(outgoing, json);
      const forward = () =>
        new Promise<void>((done) => {
          const upstream = request(new URL(incoming.url ?? '/', target), { method: incoming.method, headers: incoming.headers }, (response) => {
            response.on('end', done);
            if (call.fault === 'after') {
              response.resume();
              response.on('end', () => serverError(outgoing, json));
              return;
            }
            outgoing.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(outgoing);
          });
          upstream.on('error', (error) => (outgoing.writeHead(502).end(error.message), done()));
          upstream.end(body);
        });
      if (typeof amzTarget === 'string' && amzTarget.startsWith('DynamoDB_')) dynamodb = dynamodb.then(forward);
      else void forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: (action, text) => recorded.filter((c) => c.action === action && c.fault !== 'before' && (text === undefined || c.body.includes(text))),
    all: () => [...recorded],
    inject: (fault) => faults.push({ ...fault, seen: 0, failed: 0 }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps its connections alive; close() would wait for them.
        server.closeAllConnections();
      }),
  };
}

/** A 500 as AWS writes one, in the caller's protocol: the SDK takes it for a transient server fault. */
function serverError(outgoing: import('node:http').ServerResponse, json: boolean): void {
  if (json) {
    outgoing
      .writeHead(500, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify({ __type: 'InternalFailure', message: 'fault injected by the test proxy' }));
  } else {
    outgoing
      .writeHead(500, { 'content-type': 'text/xml' })
      .end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>fault injected by the test proxy</Message></Error><RequestId>injected</RequestId></ErrorResponse>',
      );
  }
}

/** A 403 refusal as AWS writes one: the SDK takes it for a client fault and does not retry. */
function clientError(outgoing: import('node:http').ServerResponse, json: boolean, code: string): void {
  const message = `refused by the test proxy (${code})`;
  if (json) outgoing.writeHead(403, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: code, message }));
  else
    outgoing
      .writeHead(403, { 'content-type': 'text/xml' })
      .end(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>refused</RequestId></ErrorResponse>`);
}

/** The signing name in a SigV4 credential scope: `Credential=AKID/20260101/us-east-1/ecs/aws4_request`. */
function serviceOf(authorization: string | undefined): string {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization ?? '')?.[1] ?? '';
}

/** JSON protocols name the operation in X-Amz-Target (`Service.Operation`); query protocols in the body's Action. */
function operationOf(target: string | string[] | undefined, body: Buffer): string {
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  return new URLSearchParams(body.toString()).get('Action') ?? '';
}
