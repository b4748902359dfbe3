export {
  Bus,
  InvalidMessageError,
  decodeStepEvent,
  encodeStepEvent,
  messageContext,
} from './bus.ts';
export type { BusOptions, RpcService } from './bus.ts';
export { MemoryTransport } from './memory-transport.ts';
export { NatsTransport } from './nats-transport.ts';
export type { NatsTransportOptions } from './nats-transport.ts';
export type { Transport, RawMessage, Delivery, Stoppable, Headers } from './transport.ts';
export * from './messages.ts';
export { streams, subjects, queueGroups } from './subjects.ts';
export { connectBus } from './connect.ts';
export { archivedOutputKey } from './artifact-keys.ts';
