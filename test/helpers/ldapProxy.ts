/**
 * A TCP proxy between an LDAP client and slapd, for tests that must see or disturb the wire: it records
 * every byte the client sends and lets a test decide, message by message, what the server's answers
 * become (forwarded, rewritten, held back forever, or the connection cut). Plain LDAP only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { frameMessages, type LdapMessage } from './ldapWire.js';

/**
 * `forward` passes the message on, a Buffer replaces it, `hold` swallows it and everything after it
 * (a server that stops answering), `cut` closes both connections before it is delivered.
 */
export type ServerMessageAction = 'forward' | 'hold' | 'cut' | Buffer;

export interface LdapProxyOptions {
  target: { host: string; port: number };
  onServerMessage?: (message: LdapMessage) => ServerMessageAction | Promise<ServerMessageAction>;
}

export interface LdapProxy {
  url: string;
  /** Every byte clients sent, in order, across connections. */
  clientBytes(): Buffer;
  /** The LDAPMessages clients sent. */
  clientMessages(): LdapMessage[];
  close(): Promise<void>;
}

export async function startLdapProxy(options: LdapProxyOptions): Promise<LdapProxy> {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(options.target.port, options.target.host);
    for (const socket of [client, upstream]) {
      // Without it, Nagle's algorithm and delayed ACKs add ~40 ms to every page.
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      received.push(chunk);
      upstream.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    relayServerMessages(upstream, client, options.onServerMessage ?? (() => 'forward'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ldap://127.0.0.1:${port}`,
    clientBytes: () => Buffer.concat(received),
    clientMessages: () => frameMessages(Buffer.concat(received)).messages,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function relayServerMessages(
  upstream: Socket,
  client: Socket,
  decide: NonNullable<LdapProxyOptions['onServerMessage']>,
): void {
  let pending = Buffer.alloc(0);
  let state: 'open' | 'held' | 'cut' = 'open';
  let queue = Promise.resolve();
  upstream.on('data', (chunk: Buffer) => {
    const framed = frameMessages(Buffer.concat([pending, chunk]));
    pending = Buffer.from(framed.rest);
    queue = queue.then(async () => {
      for (const message of framed.messages) {
        if (state !== 'open') return;
        const action = await decide(message);
        if (action === 'hold') state = 'held';
        else if (action === 'cut') {
          state = 'cut';
          client.destroy();
          upstream.destroy();
        } else client.write(action === 'forward' ? message.bytes : action);
      }
    });
  });
  upstream.on('close', () => {
    void queue.then(() => {
      if (state !== 'held') client.end();
    });
  });
}
