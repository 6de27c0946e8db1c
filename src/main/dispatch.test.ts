import { describe, expect, it, vi } from 'vitest';
import { GroundLabelError } from '../shared/errors';
import type { Handlers } from '../shared/ipc/contract';
import { doc } from './__test__/docs';
import { dispatch, isChannel } from './dispatch';

/** Handlers where only the ones a test gives exist; any other call fails the test. */
function handlers(given: Partial<Record<keyof Handlers, (request: never) => Promise<unknown>>>): Handlers {
  return new Proxy(given, {
    get: (target, name: string) =>
      target[name as keyof Handlers] ?? (() => Promise.reject(new Error(`unexpected call to ${name}`))),
  }) as unknown as Handlers;
}

describe('dispatch', () => {
  it('wraps a handler value in a success envelope', async () => {
    const info = { version: '1.2.3', mode: 'browser', platform: 'linux' };
    expect(await dispatch(handlers({ 'app:info': async () => info }), 'app:info', {})).toEqual({
      ok: true,
      value: info,
    });
  });

  it('treats a missing request as an empty one', async () => {
    const result = await dispatch(
      handlers({ 'dataset:current': async () => null }),
      'dataset:current',
      undefined,
    );
    expect(result).toEqual({ ok: true, value: null });
  });

  it('refuses a bad payload with bad-argument naming the channel and the field, without calling the handler', async () => {
    const save = vi.fn(async () => ({ status: 'reviewed' }));
    const result = await dispatch(handlers({ 'image:save': save }), 'image:save', {
      id: 'abc',
      doc: { ...doc('a.png'), width: -5 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad-argument');
    expect(result.error.message).toMatch(/^image:save: /);
    expect(result.error.message).toContain('doc.width');
    expect(save).not.toHaveBeenCalled();
  });

  it('names a missing field', async () => {
    const result = await dispatch(handlers({}), 'dataset:open', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'bad-argument', message: expect.stringContaining('path') },
    });
  });

  it('names a nested field of a wrong type', async () => {
    const result = await dispatch(handlers({}), 'infer:run', {
      ids: ['x'],
      prompt: 'cat .',
      thresholds: { box: 2, text: 0.2, nmsIou: null },
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'bad-argument', message: expect.stringContaining('thresholds.box') },
    });
  });

  it('passes the parsed request, defaults filled in, to the handler', async () => {
    const preview = vi.fn(async (request: unknown) => request);
    const result = await dispatch(
      handlers({ 'export:preview': preview as (request: never) => Promise<unknown> }),
      'export:preview',
      { format: 'coco' },
    );
    expect(result).toEqual({ ok: true, value: { format: 'coco', valFraction: 0, seed: 'groundlabel' } });
  });

  it('keeps the code and message of a GroundLabelError', async () => {
    const result = await dispatch(
      handlers({
        'image:get': async () =>
          Promise.reject(new GroundLabelError('forbidden', 'x.png points outside the dataset')),
      }),
      'image:get',
      { id: 'x' },
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'x.png points outside the dataset' },
    });
  });

  it('reports any other error as io-failed with its message', async () => {
    const failing = handlers({
      'image:get': async () => Promise.reject(new Error('EACCES: permission denied')),
      'model:status': async () => Promise.reject('plain string'),
    });
    expect(await dispatch(failing, 'image:get', { id: 'x' })).toEqual({
      ok: false,
      error: { code: 'io-failed', message: 'EACCES: permission denied' },
    });
    expect(await dispatch(failing, 'model:status', {})).toEqual({
      ok: false,
      error: { code: 'io-failed', message: 'plain string' },
    });
  });
});

describe('isChannel', () => {
  it('knows the channels of the contract and nothing inherited', () => {
    expect(isChannel('app:info')).toBe(true);
    expect(isChannel('export:run')).toBe(true);
    expect(isChannel('events')).toBe(false);
    expect(isChannel('toString')).toBe(false);
    expect(isChannel('__proto__')).toBe(false);
    expect(isChannel('constructor')).toBe(false);
  });
});
