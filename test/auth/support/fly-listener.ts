// Stands in for the listener `fly login` opens on 127.0.0.1 during a browser login: it takes the
// token the /fly_success page sends to `/?token=<type> <value>`.
import { createServer } from 'node:http';

export interface FlyListener {
  port: number;
  /** Resolves with the `<type> <value>` token once the page has sent it. */
  token: Promise<string>;
  close(): void;
}

export async function startFlyListener(): Promise<FlyListener> {
  let deliver: (token: string) => void = () => {};
  const token = new Promise<string>((resolve) => (deliver = resolve));
  const server = createServer((req, res) => {
    const value = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token');
    res.writeHead(value ? 200 : 400).end();
    if (value) deliver(value);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    token,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
