import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { BoxRecord } from '../../../shared/project';
import { useDatasetStore } from './dataset';

/** What the mouse wheel does on the canvas: zoom at the pointer (CVAT, Label Studio) or scroll. */
export type WheelMode = 'zoom' | 'scroll';
export const WHEEL_MODES: readonly WheelMode[] = ['zoom', 'scroll'];

/** Brightness and contrast of the shown image, in percent; 100 is the image as it is. */
export const ADJUST_MIN = 20;
export const ADJUST_MAX = 300;

const KEY = 'groundlabel.view';

interface Remembered {
  readonly wheel: WheelMode;
  readonly showLabels: boolean;
}

function remembered(): Remembered {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Partial<Remembered>;
    return {
      wheel: WHEEL_MODES.includes(v.wheel as WheelMode) ? (v.wheel as WheelMode) : 'zoom',
      showLabels: v.showLabels !== false,
    };
  } catch {
    return { wheel: 'zoom', showLabels: true };
  }
}

const clampAdjust = (v: number) =>
  Number.isFinite(v) ? Math.min(ADJUST_MAX, Math.max(ADJUST_MIN, Math.round(v))) : 100;

/**
 * How the canvas shows the image and its boxes: which boxes and labels are visible, the image's
 * brightness and contrast, and what the wheel does. View only: nothing here enters a document,
 * history or a file. The wheel and label choices are remembered in this browser.
 */
export const useViewStore = defineStore('view', () => {
  const dataset = useDatasetStore();
  const initial = remembered();

  const wheel = ref<WheelMode>(initial.wheel);
  const showBoxes = ref(true);
  const showLabels = ref(initial.showLabels);
  const hiddenClasses = shallowRef<ReadonlySet<string>>(new Set());
  const brightness = ref(100);
  const contrast = ref(100);

  const adjusted = computed(() => brightness.value !== 100 || contrast.value !== 100);
  /** Whether a box is drawn on the canvas, and can be picked there. */
  const isShown = computed(() => {
    const all = showBoxes.value;
    const hidden = hiddenClasses.value;
    return (b: Pick<BoxRecord, 'classId'>) => all && !hidden.has(b.classId);
  });

  function toggleBoxes(): void {
    showBoxes.value = !showBoxes.value;
  }

  function toggleLabels(): void {
    showLabels.value = !showLabels.value;
  }

  function setClassShown(classId: string, shown: boolean): void {
    const next = new Set(hiddenClasses.value);
    if (shown) next.delete(classId);
    else next.add(classId);
    hiddenClasses.value = next;
  }

  function setBrightness(v: number): void {
    brightness.value = clampAdjust(v);
  }

  function setContrast(v: number): void {
    contrast.value = clampAdjust(v);
  }

  function resetAdjust(): void {
    brightness.value = 100;
    contrast.value = 100;
  }

  function setWheel(mode: WheelMode): void {
    wheel.value = mode;
  }

  watch([wheel, showLabels], () =>
    globalThis.localStorage?.setItem(
      KEY,
      JSON.stringify({ wheel: wheel.value, showLabels: showLabels.value }),
    ),
  );
  // Class ids belong to one folder.
  watch(
    () => dataset.datasetId,
    () => (hiddenClasses.value = new Set()),
  );

  return {
    wheel,
    showBoxes,
    showLabels,
    hiddenClasses,
    brightness,
    contrast,
    adjusted,
    isShown,
    toggleBoxes,
    toggleLabels,
    setClassShown,
    setBrightness,
    setContrast,
    resetAdjust,
    setWheel,
  };
});
