import { describe, expect, it } from 'vitest';
import { effectScope } from 'vue';
import { solidImage, until } from '../testing/mount';
import { useImageLoader } from './useImageLoader';

describe('useImageLoader', () => {
  it('loads a failed image again on retry, and leaves a loaded one alone', async () => {
    // Not reactive: like a server that refused an image and serves it once the limit is raised,
    // the address does not change; only retry() asks again.
    let answer = 'data:image/png;base64,AAAA';
    const scope = effectScope();
    const image = scope.run(() => useImageLoader(() => answer))!;
    await until(() => image.state.value === 'failed');
    answer = solidImage(8, 6, '#208020');
    image.retry();
    await until(() => image.state.value === 'ready');
    expect(image.element.value?.naturalWidth).toBe(8);
    answer = 'data:image/png;base64,AAAA';
    image.retry();
    expect(image.state.value).toBe('ready');
    scope.stop();
  });
});
