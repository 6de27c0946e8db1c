import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { ErrorCode } from '../../../shared/errors';
import type { Result, SaveState } from '../../../shared/ipc/contract';
import type { ImageDoc, ProjectMeta } from '../../../shared/project';
import { useApi } from './api';

type Send = () => Promise<Result<unknown>>;

/**
 * Where an image's edits are saved to and what they were made on: the dataset, the file's fingerprint
 * and the stored revision. The revision moves on with each save that lands, so the next save in the
 * lane names the version it builds on.
 */
export interface SaveTarget {
  readonly datasetId: string;
  readonly identity: NonNullable<ImageDoc['identity']>;
  revision: number;
}

/** Refusals that no retry can mend: the image must be read again (or the folder changed). */
const REFUSALS: readonly ErrorCode[] = ['edit-conflict', 'dataset-mismatch'];
export const isRefusal = (r: Result<unknown>): boolean => !r.ok && REFUSALS.includes(r.error.code);

interface Lane {
  next: Send | null;
  waiters: ((r: Result<unknown>) => void)[];
}

/**
 * Saving, Saved or Save failed, from the saves in flight and the backend's 'save:status' events.
 * Saves of one image run in order; a save queued behind a running one is replaced by a newer one,
 * since each carries the whole document.
 */
export const useSaveStore = defineStore('save', () => {
  const api = useApi();
  const inFlight = ref(0);
  const saved = ref(0);
  const failures = reactive(new Map<string, { send: Send; message: string }>());
  const backend = ref<{ state: SaveState; message?: string } | null>(null);
  const lanes = new Map<string, Lane>();
  const pumps = new Set<Promise<void>>();
  /** The running pump of each lane, so image saves can wait for the class list's. */
  const pumping = new Map<string, Promise<void>>();

  const state = computed<SaveState | 'idle'>(() => {
    if (failures.size || backend.value?.state === 'failed') return 'failed';
    if (inFlight.value || backend.value?.state === 'saving') return 'saving';
    return saved.value || backend.value?.state === 'saved' ? 'saved' : 'idle';
  });
  const failureMessage = computed(() =>
    backend.value?.state === 'failed'
      ? (backend.value.message ?? '')
      : ([...failures.values()][0]?.message ?? ''),
  );

  async function pump(key: string, lane: Lane): Promise<void> {
    inFlight.value++;
    while (lane.next) {
      const send = lane.next;
      const waiters = lane.waiters;
      lane.next = null;
      lane.waiters = [];
      let result: Result<unknown>;
      try {
        result = await send();
      } catch (e) {
        result = {
          ok: false,
          error: { code: 'io-failed', message: e instanceof Error ? e.message : String(e) },
        };
      }
      if (result.ok) {
        failures.delete(key);
        saved.value++;
      } else if (isRefusal(result)) {
        // Not kept for retry, and a newer save queued behind it rests on the same refused version:
        // both get the refusal, and the editor reads the image again and says why.
        failures.delete(key);
        waiters.push(...lane.waiters);
        lane.waiters = [];
        lane.next = null;
      } else failures.set(key, { send, message: result.error.message });
      waiters.forEach((w) => w(result));
    }
    lanes.delete(key);
    inFlight.value--;
  }

  function enqueue<T>(key: string, send: () => Promise<Result<T>>): Promise<Result<T>> {
    return new Promise((resolve) => {
      const running = lanes.get(key);
      const lane = running ?? { next: null, waiters: [] };
      lane.next = send;
      lane.waiters.push(resolve as (r: Result<unknown>) => void);
      if (!running) {
        lanes.set(key, lane);
        const pumped = pump(key, lane).finally(() => {
          pumps.delete(pumped);
          if (pumping.get(key) === pumped) pumping.delete(key);
        });
        pumps.add(pumped);
        pumping.set(key, pumped);
      }
    });
  }

  /**
   * Saves an image's document after any class-list save in flight (a box never reaches the backend
   * before its class), naming the target's revision as it stands when the request goes out.
   */
  function saveImage(id: string, doc: ImageDoc, target: SaveTarget) {
    return enqueue(`image:${id}`, async () => {
      await pumping.get('project');
      const { datasetId, identity, revision } = target;
      const reply = await api['image:save']({
        datasetId,
        id,
        baseRevision: revision,
        doc: { ...doc, identity },
      });
      if (reply.ok) target.revision = reply.value.revision;
      return reply;
    });
  }

  /** Whether a save of this image is still in flight or failed: its newest state is only here. */
  function holdsImage(id: string): boolean {
    const key = `image:${id}`;
    return lanes.has(key) || failures.has(key);
  }

  /** Queues the project file's save; `send` builds the request when it goes out, with the newest meta. */
  function saveProject(send: () => Promise<Result<ProjectMeta>>) {
    return enqueue('project', send);
  }

  function retry(): void {
    if (backend.value?.state === 'failed') backend.value = null;
    for (const [key, { send }] of failures) void enqueue(key, send);
  }

  /** Resolves once every save sent so far has its reply, e.g. before the backend rewrites documents. */
  async function settled(): Promise<void> {
    while (pumps.size) await Promise.all(pumps);
  }

  /** Another folder was opened: failures of the last one can no longer be retried there. */
  function forgetFailures(): void {
    failures.clear();
    backend.value = null;
    saved.value = 0;
  }

  function listen(): () => void {
    return api.on('save:status', (payload) => (backend.value = payload));
  }

  return {
    inFlight,
    failures,
    backend,
    state,
    failureMessage,
    saveImage,
    holdsImage,
    saveProject,
    retry,
    settled,
    forgetFailures,
    listen,
  };
});
