import { describe, expect, it } from 'vitest';
import { setupStores } from '../testing/stores';
import { useModelStore } from './model';

describe('model store', () => {
  it('reports a CPU fallback and where models go', async () => {
    setupStores({
      model: { loaded: true, provider: 'cpu', fallback: 'CUDA provider failed to load', modelsDir: '/m' },
    });
    const model = useModelStore();
    await model.refresh();
    expect(model.fallback).toBe('CUDA provider failed to load');
    expect(model.device).toBe('cpu');
    expect(model.status?.modelsDir).toBe('/m');
  });

  it('loads a model by path', async () => {
    setupStores();
    const model = useModelStore();
    expect(await model.open('/m/groundingdino_swint_ogc.onnx')).toBe(true);
    expect(model.loaded).toBe(true);
  });
});
