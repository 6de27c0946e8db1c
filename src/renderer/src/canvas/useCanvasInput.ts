import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';
import type { Point } from '../editor/geometry';
import type { WheelMode } from '../stores/view';
import type { PointerController } from './pointer';
import { wheelAction } from './wheel';

export interface CanvasInputHandlers {
  readonly controller: PointerController;
  /** What the wheel does (see wheelAction). */
  readonly wheelMode: () => WheelMode;
  /** The wheel zooms by a factor at a screen point. */
  zoomAt(factor: number, at: Point): void;
  /** The wheel scrolls the view. */
  panBy(dx: number, dy: number): void;
  /** Where the pointer is over the canvas (screen pixels of the canvas), or null once it left. */
  hover(at: Point | null): void;
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName));

/**
 * DOM input for the canvas element: pointer drags (followed on the window so they survive leaving the
 * element), the wheel, Space held for panning and Escape cancelling a drag. Returns whether Space is held.
 */
export function useCanvasInput(host: Readonly<Ref<HTMLDivElement | null>>, h: CanvasInputHandlers) {
  const spaceHeld = ref(false);

  const local = (e: { clientX: number; clientY: number }): Point => {
    const r = host.value?.getBoundingClientRect();
    return { x: e.clientX - (r?.left ?? 0), y: e.clientY - (r?.top ?? 0) };
  };
  const setCursor = (c: string) => host.value && (host.value.style.cursor = c);

  function onPointerDown(e: PointerEvent): void {
    host.value?.focus({ preventScroll: true });
    e.preventDefault();
    h.controller.down(local(e), e);
    if (!h.controller.drag) return;
    setCursor(h.controller.cursorAt(local(e)));
    const move = (ev: PointerEvent) => {
      h.controller.move(local(ev));
      h.hover(local(ev));
    };
    const up = (ev: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      window.removeEventListener('pointercancel', up);
      h.controller.up(local(ev));
      setCursor(h.controller.cursorAt(local(ev)));
      const r = host.value?.getBoundingClientRect();
      const inside =
        !!r && ev.clientX >= r.left && ev.clientX < r.right && ev.clientY >= r.top && ev.clientY < r.bottom;
      h.hover(inside ? local(ev) : null);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    window.addEventListener('pointercancel', up);
  }

  function onPointerMove(e: PointerEvent): void {
    if (h.controller.drag) return;
    setCursor(h.controller.cursorAt(local(e)));
    h.hover(local(e));
  }

  function onPointerLeave(): void {
    if (!h.controller.drag) h.hover(null);
  }

  function onWheel(e: WheelEvent): void {
    e.preventDefault();
    const action = wheelAction(e, h.wheelMode());
    if (action.kind === 'zoom') h.zoomAt(action.factor, local(e));
    else h.panBy(action.dx, action.dy);
  }

  function onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && e.type === 'keydown' && h.controller.drag) {
      h.controller.cancel();
      e.stopImmediatePropagation();
      return;
    }
    if (e.key !== ' ' || isTyping(e.target)) return;
    e.preventDefault();
    spaceHeld.value = e.type === 'keydown';
    setCursor(spaceHeld.value ? 'grab' : '');
  }

  const releaseSpace = () => (spaceHeld.value = false);

  onMounted(() => {
    const el = host.value;
    el?.addEventListener('pointerdown', onPointerDown);
    el?.addEventListener('pointermove', onPointerMove);
    el?.addEventListener('pointerleave', onPointerLeave);
    el?.addEventListener('wheel', onWheel, { passive: false });
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('keyup', onKey, true);
    window.addEventListener('blur', releaseSpace);
  });
  onBeforeUnmount(() => {
    const el = host.value;
    el?.removeEventListener('pointerdown', onPointerDown);
    el?.removeEventListener('pointermove', onPointerMove);
    el?.removeEventListener('pointerleave', onPointerLeave);
    el?.removeEventListener('wheel', onWheel);
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('keyup', onKey, true);
    window.removeEventListener('blur', releaseSpace);
  });

  return { spaceHeld };
}
