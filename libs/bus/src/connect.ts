// Picks the transport: NATS when a URL is given, the in-process transport otherwise.
import { Bus, type BusOptions } from './bus.ts';
import { MemoryTransport } from './memory-transport.ts';
import { NatsTransport } from './nats-transport.ts';

export async function connectBus(
  opts: { natsUrl?: string; namespace?: string; name?: string } & BusOptions,
): Promise<Bus> {
  const transport = opts.natsUrl
    ? await NatsTransport.connect({ url: opts.natsUrl, namespace: opts.namespace, name: opts.name })
    : new MemoryTransport();
  return new Bus(transport, opts);
}
