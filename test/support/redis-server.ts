import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, SHARED_REDIS_PORT } from './free-port.js';

export interface RedisServerOptions {
  /** Keep an append-only file (fsync'ed on every write, so a SIGKILL loses nothing), default false. */
  readonly appendonly?: boolean;
  /** Port to listen on (127.0.0.1 only), default a free one. Never 6379, the shared Redis. */
  readonly port?: number;
  /** More redis-server arguments, e.g. `--cluster-enabled yes`. */
  readonly extraArgs?: readonly string[];
}

/** A private `redis-server` a fault test may kill and restart. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Its working directory (the AOF lives here); removed by close(). */
  readonly dir: string;
  /** Whether the process is alive. */
  running(): boolean;
  /** SIGTERM (Redis flushes the AOF and exits), and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, and waits for the exit: a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (so AOF data comes back) and waits until PING answers. */
  restart(): Promise<void>;
  /** Stops it if running and removes its directory. */
  close(): Promise<void>;
  /** The server's own log (its last 64 KB), for failure messages. */
  log(): string;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_KEEP_CHARS = 64 * 1024;

/** Children still alive, killed if the test process exits without closing them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Starts a private `redis-server` and resolves once it answers PING. */
export async function startRedisServer(o: RedisServerOptions = {}): Promise<RedisServer> {
  if (o.port === SHARED_REDIS_PORT)
    throw new Error(`startRedisServer: port ${SHARED_REDIS_PORT} is the shared Redis; pick another or leave port unset`);
  installExitHook();
  const port = o.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'rs-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    o.appendonly === true ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
    ...(o.extraArgs ?? []),
  ];
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const launch = async (): Promise<void> => {
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    const keep = (d: Buffer): void => {
      output = (output + d.toString()).slice(-LOG_KEEP_CHARS);
    };
    c.stdout.on('data', keep);
    c.stderr.on('data', keep);
    exited = new Promise<void>((resolve) => {
      c.once('exit', () => {
        live.delete(c);
        if (child === c) child = null;
        resolve();
      });
    });
    const spawnFailed = new Promise<never>((_, reject) => c.once('error', reject));
    spawnFailed.catch(() => undefined);
    try {
      await Promise.race([waitForPong(port, c.pid, () => child === c), spawnFailed]);
    } catch (err) {
      c.kill('SIGKILL');
      if (c.pid !== undefined) await exited;
      throw new Error(
        `redis-server on port ${port} did not start: ${err instanceof Error ? err.message : String(err)}\n${output.slice(-2000)}`,
      );
    }
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === null) return;
    c.kill(sig);
    const timer = new AbortController();
    const done = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false, { signal: timer.signal })]);
    timer.abort();
    if (!done) {
      c.kill('SIGKILL');
      await exited;
    }
  };

  try {
    await launch();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    running: () => child !== null,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async restart() {
      if (child !== null) throw new Error(`redis-server on port ${port} is still running; stop() or kill() it first`);
      await launch();
    },
    async close() {
      await signal('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}

/**
 * Polls with a raw PING until `+PONG` (a server loading its AOF answers `-LOADING`), then checks
 * that the server answering is this process: another one may hold a port given explicitly.
 */
async function waitForPong(port: number, pid: number | undefined, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('the process exited');
    last = await send(port, 'PING').catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (last.startsWith('+PONG')) {
      const info = await send(port, 'INFO server');
      const answering = /process_id:(\d+)/.exec(info)?.[1];
      if (answering !== String(pid)) throw new Error(`port ${port} is answered by another redis-server (pid ${answering ?? '?'})`);
      return;
    }
    await sleep(25);
  }
  throw new Error(`no PONG within ${READY_TIMEOUT_MS} ms (last: ${last.trim()})`);
}

/** Sends one inline command and resolves with the whole reply (a simple, error or bulk string). */
function send(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy(new Error(`${command} timed out`)));
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      const bulk = /^\$(\d+)\r\n/.exec(answer);
      const complete = bulk === null ? answer.includes('\r\n') : Buffer.byteLength(answer) >= bulk[0].length + Number(bulk[1]) + 2;
      if (complete) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.once('error', reject);
  });
}

/** A test that crashes before its afterAll must not leave servers behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}
