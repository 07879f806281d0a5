import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RunningServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A request Node's parser refused before any listener saw it (too large, not HTTP). */
export type ClientError = Error & { code?: string; rawPacket?: Buffer };

/** An answer written straight to the socket, the connection closed after it. */
export interface RawAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const rawResponse = ({ statusCode, headers, body }: RawAnswer): Buffer => {
  const lines = [`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
};

export interface ListenOptions {
  /**
   * The answer to a request the parser refused (Node's own is a bare status line); undefined
   * closes the connection without one (a reset or a timeout).
   */
  answerClientError?: (error: ClientError) => RawAnswer | undefined;
}

/** Serves `listener` on 127.0.0.1 (port 0 picks a free one) until `close()`. */
export async function listenLocally(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
  port = 0,
  options: ListenOptions = {},
): Promise<RunningServer> {
  const server: Server = createServer(listener);
  const { answerClientError } = options;
  if (answerClientError) {
    server.on('clientError', (error: ClientError, socket) => {
      const answer = socket.writable ? answerClientError(error) : undefined;
      if (answer) socket.end(rawResponse(answer));
      else socket.destroy();
    });
  }
  // Let a stopped stack exit quickly: idle keep-alive connections do not hold the server open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
