import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDeadline } from './client.js';

/** The coturn binary on PATH (Debian's `coturn` package puts it in /usr/bin), or undefined. */
export function findTurnserver(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'turnserver');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Coturn {
  /** For TURN_URLS: `turn:127.0.0.1:<port>?transport=udp`. */
  url: string;
  port: number;
  /** The `static-auth-secret` (TURN REST scheme), random per run. */
  secret: string;
  realm: string;
  /** Relay ports are allocated from this range, inclusive. */
  relayPorts: { min: number; max: number };
  /** The exact command line it was started with. */
  argv: string[];
  /** Milliseconds from spawn until it answered a STUN Binding request. */
  startupMs: number;
  /** Everything it has logged so far (stdout and stderr). */
  output(): string;
  /** Stops it and waits for it to exit. */
  close(): Promise<void>;
}

const REALM = 'vytalwatch.test';

/**
 * Starts coturn on loopback, on a free UDP port, with no config file and the TURN REST scheme
 * (`use-auth-secret`) under a random secret. Resolves once it answers a STUN Binding request on
 * that port; fails with its output if it exits or does not answer within `timeoutMs`. When
 * another process took the port in the meantime, it tries again on a new one.
 */
export async function startCoturn(binary: string, timeoutMs = 10_000): Promise<Coturn> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, timeoutMs);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(binary: string, timeoutMs: number): Promise<Coturn> {
  const port = await freeUdpPort();
  // A relay range below Linux's ephemeral ports (32768-60999), so it does not race the kernel.
  const min = 20_000 + Math.floor(Math.random() * 100) * 100;
  const relayPorts = { min, max: min + 99 };
  const secret = randomBytes(24).toString('base64url');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vw-coturn-'));
  const argv = [
    '-n', '--no-cli', '--no-tls', '--no-dtls', '--no-tcp',
    '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    `--min-port=${relayPorts.min}`, `--max-port=${relayPorts.max}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, `--realm=${REALM}`,
    '--allow-loopback-peers', '--no-multicast-peers', '--no-rfc5780',
    // Its own pid file and (unused) user database, so runs neither collide nor touch /var.
    `--pidfile=${path.join(dir, 'turnserver.pid')}`, `--db=${path.join(dir, 'turndb')}`,
    // -v logs each session's ALLOCATE, which the test reads back.
    '--log-file=stdout', '--simple-log', '-v',
  ];
  const started = Date.now();
  const child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let portTaken: () => void = () => undefined;
  const taken = new Promise<never>((_, reject) => (portTaken = () => reject(new PortTaken(`127.0.0.1:${port} was taken`))));
  const collect = (data: Buffer) => {
    output += data;
    // coturn retries a failed listener bind forever; give up on this port at once.
    if (/Cannot bind .*listener socket to addr/.test(output)) portTaken();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  // Either may settle after the race below is decided; that must not be an unhandled rejection.
  taken.catch(() => undefined);
  spawnFailed.catch(() => undefined);
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await withDeadline(exited, 5_000, 'turnserver to exit').catch(() => {
        child.kill('SIGKILL');
        return exited;
      });
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await withDeadline(Promise.race([
      answersStun(port, () => closed),
      taken,
      spawnFailed,
      exited.then((code) => Promise.reject(new Error(`turnserver exited with ${code} before it was ready`))),
    ]), timeoutMs, `turnserver on 127.0.0.1:${port} to answer STUN`);
  } catch (error) {
    await close();
    if (error instanceof PortTaken) throw error;
    throw new Error(`${(error as Error).message}\ncommand: ${binary} ${argv.join(' ')}\noutput:\n${output}`);
  }
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`, port, secret, realm: REALM, relayPorts,
    argv: [binary, ...argv], startupMs: Date.now() - started, output: () => output, close,
  };
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Sends a STUN Binding request every 50 ms until a Binding success response comes back. */
function answersStun(port: number, stopped: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const transactionId = randomBytes(12);
    // RFC 5389: type 0x0001 (Binding request), length 0, magic cookie, transaction id.
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), transactionId]);
    const timer = setInterval(() => {
      if (stopped()) finish(new Error('stopped'));
      else socket.send(request, port, '127.0.0.1');
    }, 50);
    const finish = (error?: Error) => {
      clearInterval(timer);
      socket.close();
      if (error) reject(error);
      else resolve();
    };
    socket.on('message', (message) => {
      // 0x0101: Binding success response, for our transaction.
      if (message.length >= 20 && message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(transactionId)) finish();
    });
    // ICMP port unreachable (nobody listening yet) surfaces as an error on the socket; keep polling.
    socket.on('error', () => undefined);
    socket.bind(0, '127.0.0.1', () => socket.send(request, port, '127.0.0.1'));
  });
}
