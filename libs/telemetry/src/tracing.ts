// OpenTelemetry tracing, set up once per process. Traces are exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise spans are
// still created, so trace context travels over the bus, but nothing is exported. Only the tracing
// SDK is loaded: the all-signals Node SDK cost every service about 45 MiB of memory at rest.
import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | null = null;

/** True when spans leave the process: an OTLP endpoint is configured. */
export function tracesExported(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export function startTracing(serviceName: string): void {
  if (provider) return;
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read by the env detector, win over the name
  // the service gives itself.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': serviceName }))
    .merge(detectResources({ detectors: [processDetector, envDetector] }));
  provider = new NodeTracerProvider({
    resource,
    spanProcessors: tracesExported() ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  // The global tracer provider, an AsyncLocalStorage context manager and the W3C trace context
  // and baggage propagators.
  provider.register();
}

export async function stopTracing(): Promise<void> {
  const current = provider;
  provider = null;
  await current?.shutdown().catch(() => {});
}

export function tracer(name: string): Tracer {
  return trace.getTracer(`jetbridge-${name}`);
}
