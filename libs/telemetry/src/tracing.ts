// OpenTelemetry, set up once per process. Traces are exported over OTLP when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; otherwise spans are
// still created, so trace context travels over the bus, but nothing is exported.
import { trace, type Tracer } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

let sdk: NodeSDK | null = null;

export function startTracing(serviceName: string): void {
  if (sdk) return;
  const exporting = Boolean(
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );
  sdk = new NodeSDK({
    serviceName,
    ...(exporting ? { traceExporter: new OTLPTraceExporter() } : {}),
    instrumentations: [],
  });
  sdk.start();
}

export async function stopTracing(): Promise<void> {
  const current = sdk;
  sdk = null;
  await current?.shutdown().catch(() => {});
}

export function tracer(name: string): Tracer {
  return trace.getTracer(`jetbridge-${name}`);
}
