import { connect, type Socket } from 'node:net';

/**
 * Opens a TCP connection to the server at `url`, lets `write` send raw bytes (what an HTTP client
 * would never send), and resolves with all the server answers until the connection closes; an
 * error after some answer still resolves with it.
 */
export function rawExchange(url: string, write: (socket: Socket) => void): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.once('close', () => resolve(answer));
    socket.once('error', (err) => (answer === '' ? reject(err) : resolve(answer)));
    socket.once('connect', () => write(socket));
  });
}
