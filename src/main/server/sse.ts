import type { ServerResponse } from 'node:http';
import type { EventName, Events } from '../../shared/ipc/contract';

/**
 * Events emitted within this long of the last write go out together in the next one. A batch emits
 * a few events per image, dozens a second; written one by one, each write woke the page's processes
 * and took CPU the model needed.
 */
export const COALESCE_MS = 250;

/** Server-sent events to every open page: the browser-mode twin of webContents.send. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastWrite = -Infinity;

  constructor(private readonly coalesceMs = COALESCE_MS) {}

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

  /** Sent at once after a quiet spell; otherwise with the others of the next write, in order. */
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.pending += `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    const wait = this.lastWrite + this.coalesceMs - performance.now();
    if (wait <= 0) this.write();
    else this.timer ??= setTimeout(() => this.write(), wait);
  }

  close(): void {
    this.write();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastWrite = performance.now();
    if (!this.pending) return;
    for (const res of this.clients) res.write(this.pending);
    this.pending = '';
  }
}
