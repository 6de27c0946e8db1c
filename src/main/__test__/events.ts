import type { EventName, Events } from '../../shared/ipc/contract';
import type { Emit } from '../app-services';

export type Emitted = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

/** Records emitted events, and lets a test wait for one without guessing how long it takes. */
export function eventRecorder() {
  const events: Emitted[] = [];
  const waiters: { match: (e: Emitted) => boolean; resolve: (e: Emitted) => void }[] = [];
  const emit: Emit = (event, payload) => {
    const e = { event, payload } as Emitted;
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.match(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  };
  /** The first event from now on that matches. */
  const next = (match: (e: Emitted) => boolean): Promise<Emitted> =>
    new Promise((resolve) => waiters.push({ match, resolve }));
  return { events, emit, next };
}
