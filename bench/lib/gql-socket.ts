import WebSocket from 'ws';

/**
 * A minimal graphql-transport-ws client for the load generator: the protocol as
 * docs/SIGNALING.md section 1 describes it, without graphql-ws's client machinery, so the
 * generator spends as little as possible per message (it shares the machine with the server).
 */
export interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

type Handler = {
  next(payload: GraphQLResult): void;
  error(errors: GraphQLResult['errors']): void;
  complete(): void;
};

export class GqlSocket {
  private readonly handlers = new Map<string, Handler>();
  private nextId = 1;
  /** Operations fired with {@link fire} that came back with errors. */
  firedErrors = 0;
  /** The first of those errors, to say what went wrong. */
  firstFiredError?: string;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.dispatch(JSON.parse(String(data))));
  }

  /** Opens a socket, sends `connection_init` with `params` and waits for the acknowledgement. */
  static connect(url: string, params: Record<string, unknown>, timeoutMs = 10_000): Promise<GqlSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
      const timer = setTimeout(() => (ws.terminate(), reject(new Error(`no connection_ack from ${url} within ${timeoutMs} ms`))), timeoutMs);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: params })));
      ws.once('message', (data) => {
        clearTimeout(timer);
        const message = JSON.parse(String(data)) as { type: string };
        if (message.type === 'connection_ack') resolve(new GqlSocket(ws));
        else reject(new Error(`expected connection_ack, got ${message.type}`));
      });
      ws.once('close', (code, reason) => (clearTimeout(timer), reject(new Error(`socket closed ${code} ${reason}`))));
      ws.once('error', (error) => (clearTimeout(timer), reject(error)));
    });
  }

  /** Runs a query or mutation and resolves with its one result (errors as data, not thrown). */
  request(query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<GraphQLResult> {
    return new Promise((resolve, reject) => {
      let result: GraphQLResult | undefined;
      const id = this.start(query, variables, {
        next: (payload) => (result = payload),
        error: (errors) => (clearTimeout(timer), resolve({ errors })),
        complete: () => (clearTimeout(timer), result ? resolve(result) : reject(new Error('completed without a result'))),
      });
      const timer = setTimeout(() => (this.handlers.delete(id), reject(new Error(`no result within ${timeoutMs} ms for ${query.slice(0, 60)}`))), timeoutMs);
    });
  }

  /** Starts a subscription; `onData` gets each result. Returns its id. */
  subscribe(query: string, variables: Record<string, unknown>, onData: (result: GraphQLResult) => void, onEnd: (why: string) => void): string {
    return this.start(query, variables, {
      next: onData,
      error: (errors) => onEnd(`error: ${JSON.stringify(errors)}`),
      complete: () => onEnd('completed'),
    });
  }

  /** Sends an operation without waiting for it; errors are counted in {@link firedErrors}. */
  fire(query: string, variables: Record<string, unknown>): void {
    this.start(query, variables, FIRE);
  }

  /**
   * Sends an operation and completes it in the same write, so the server runs it and answers
   * nothing (docs/SIGNALING.md, "Unacknowledged sends"): a browser's two `send` calls in one task.
   */
  fireUnacknowledged(query: string, variables: Record<string, unknown>): void {
    const id = String(this.nextId++);
    const tcp = (this.ws as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.cork();
    this.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    this.ws.send(`{"id":"${id}","type":"complete"}`);
    tcp.uncork();
  }

  close(): void {
    this.ws.terminate();
  }

  private start(query: string, variables: Record<string, unknown>, handler: Handler): string {
    const id = String(this.nextId++);
    this.handlers.set(id, handler === FIRE ? this.fireHandler : handler);
    this.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    return id;
  }

  private readonly fireHandler: Handler = {
    next: (payload) => {
      if (payload.errors) this.noteError(JSON.stringify(payload.errors));
    },
    error: (errors) => this.noteError(JSON.stringify(errors)),
    complete: () => {},
  };

  private noteError(text: string): void {
    this.firedErrors++;
    this.firstFiredError ??= text;
  }

  private dispatch(message: { id?: string; type: string; payload?: unknown }): void {
    if (message.id === undefined) {
      if (message.type === 'ping') this.ws.send('{"type":"pong"}');
      return;
    }
    const handler = this.handlers.get(message.id);
    if (!handler) return;
    if (message.type === 'next') handler.next(message.payload as GraphQLResult);
    else if (message.type === 'error') {
      this.handlers.delete(message.id);
      handler.error(message.payload as GraphQLResult['errors']);
    } else if (message.type === 'complete') {
      this.handlers.delete(message.id);
      handler.complete();
    }
  }
}

const FIRE: Handler = { next() {}, error() {}, complete() {} };
