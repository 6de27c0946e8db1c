import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from './sse';

/** A page's event stream: what was written to it, one entry per write. */
function fakePage() {
  const writes: string[] = [];
  let ended = false;
  const res = {
    writeHead: () => res,
    write: (chunk: string) => writes.push(chunk),
    end: () => (ended = true),
    on: () => res,
  };
  const events = () =>
    writes
      .join('')
      .split('\n\n')
      .filter((block) => block.startsWith('event: '))
      .map((block) => {
        const [event, data] = block.split('\n');
        return { event: event.slice('event: '.length), data: JSON.parse(data.slice('data: '.length)) };
      });
  return { res: res as unknown as ServerResponse, writes, events, ended: () => ended };
}

describe('EventHub', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends an event after a quiet spell at once', () => {
    const hub = new EventHub(100);
    const page = fakePage();
    hub.attach(page.res);
    hub.emit('save:status', { state: 'saving' });
    expect(page.events()).toEqual([{ event: 'save:status', data: { state: 'saving' } }]);
  });

  it('sends a burst of events in a few writes, every one of them, in order', () => {
    const hub = new EventHub(100);
    const page = fakePage();
    hub.attach(page.res);
    const before = page.writes.length;
    // A batch on a fast model: 50 images' progress within 50 ms.
    for (let done = 1; done <= 50; done++) {
      hub.emit('batch:progress', {
        jobId: 'j',
        done,
        total: 50,
        rate: 40,
        etaSeconds: 1,
        relPath: `${done}.jpg`,
      });
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(page.writes.length - before).toBeLessThanOrEqual(2);
    expect(page.events().map((e) => (e.data as { done: number }).done)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('sends what is still waiting before it closes the streams', () => {
    const hub = new EventHub(100);
    const page = fakePage();
    hub.attach(page.res);
    hub.emit('save:status', { state: 'saving' });
    hub.emit('save:status', { state: 'saved' });
    hub.close();
    expect(page.events().map((e) => e.data)).toEqual([{ state: 'saving' }, { state: 'saved' }]);
    expect(page.ended()).toBe(true);
  });
});
