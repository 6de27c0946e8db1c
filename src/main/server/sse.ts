import type { ServerResponse } from 'node:http';
import type { EventName, Events } from '../../shared/ipc/contract';

/** Server-sent events to every open page: the browser-mode twin of webContents.send. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    this.clients.add(res);
    res.on('close', () => {
      clearInterval(keepAlive);
      this.clients.delete(res);
    });
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    const message = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of this.clients) res.write(message);
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
