import { onBeforeUnmount, onMounted, shallowRef, type Ref } from 'vue';
import { CanvasScene, type SceneSource } from './scene';

/** Creates the Konva scene in `container` once mounted and keeps it the size of `host`. */
export function useCanvasScene(
  host: Readonly<Ref<HTMLDivElement | null>>,
  container: Readonly<Ref<HTMLDivElement | null>>,
  source: SceneSource,
) {
  const scene = shallowRef<CanvasScene | null>(null);
  const size = shallowRef({ width: 0, height: 0 });
  let observer: ResizeObserver | null = null;

  onMounted(() => {
    const el = host.value;
    if (!el || !container.value) return;
    scene.value = new CanvasScene(container.value, source);
    observer = new ResizeObserver(() => {
      size.value = { width: el.clientWidth, height: el.clientHeight };
      scene.value?.resize(el.clientWidth, el.clientHeight);
    });
    observer.observe(el);
  });
  onBeforeUnmount(() => {
    observer?.disconnect();
    scene.value?.destroy();
  });

  return { scene, size };
}
