import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import { startTracing, stopTracing, tracer, tracesExported } from './tracing.ts';

describe('tracing', () => {
  const received: { path: string; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    startTracing('jetbridge-tracing-test');
  });
  after(async () => {
    await stopTracing();
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    server.close();
  });

  it('exports only when an OTLP endpoint is configured', () => {
    assert.equal(tracesExported({}), false);
    assert.equal(tracesExported({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318' }), true);
  });

  it('puts the W3C trace context of the active span into message headers', () => {
    const span = tracer('test').startSpan('publish');
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    span.end();
    const id = span.spanContext();
    assert.match(id.traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(id.traceId, '0'.repeat(32));
    assert.equal(headers.traceparent, `00-${id.traceId}-${id.spanId}-01`);

    // The receiving side continues the same trace.
    const carried = propagation.extract(context.active(), headers);
    const child = tracer('test').startSpan('consume', {}, carried);
    assert.equal(child.spanContext().traceId, id.traceId);
    child.end();
  });

  it('sends finished spans to the endpoint, named after the service, by the time it stops', async () => {
    tracer('test').startSpan('exported-span').end();
    await stopTracing();
    const traces = received.filter((r) => r.path === '/v1/traces');
    assert.ok(traces.length > 0, 'no export reached the endpoint');
    const bodies = Buffer.concat(traces.map((t) => t.body)).toString('latin1');
    assert.match(bodies, /jetbridge-tracing-test/);
    assert.match(bodies, /exported-span/);
  });
});
