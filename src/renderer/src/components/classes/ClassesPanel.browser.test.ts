import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { useProjectStore } from '../../stores/project';
import { manual } from '../../testing/boxes';
import { mountWith } from '../../testing/mount';
import ClassesPanel from './ClassesPanel.vue';
// Laid out as in the app: the panel's padding and the inputs' font and padding come from here.
import '../../styles.css';

let unmount = () => {};
afterEach(() => {
  unmount();
  localStorage.clear();
});

/** Names of 15 characters, as labeling projects give them. */
const LONG = ['traffic_signals', 'Wheelchair ramp', 'motorcycle helm'];

/** The right-hand column at a 1024 px window: clamp(260px, 26vw, 340px), less its 1 px border. */
const SIDE_PANEL_AT_1024 = Math.round(Math.min(340, Math.max(260, 1024 * 0.26))) - 1;

async function mountPanel() {
  const mounted = await mountWith(
    ClassesPanel,
    {
      meta: {
        classes: LONG.map((name, i) => ({ id: `c${i}`, name, color: '#ff0000' })),
        phraseClasses: {},
        promptHistory: [],
      },
      images: [{ relPath: 'a.jpg', width: 200, height: 100, boxes: [manual('m1', 1, 1, 9, 9, 'c0')] }],
    },
    { width: SIDE_PANEL_AT_1024, height: 600 },
  );
  unmount = mounted.unmount;
  return mounted;
}

/** The width a text needs in an input's own font. */
function textWidth(input: HTMLInputElement, text: string): number {
  const ctx = document.createElement('canvas').getContext('2d')!;
  ctx.font = getComputedStyle(input).font;
  return ctx.measureText(text).width;
}

describe('classes panel', () => {
  it('gives each class name room for 15 characters in the side panel of a 1024 px window', async () => {
    await mountPanel();
    for (const name of LONG) {
      const field = page.getByRole('textbox', { name: `Name of class ${name}` });
      await expect.element(field).toHaveValue(name);
      const input = field.element() as HTMLInputElement;
      const style = getComputedStyle(input);
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      expect(room, name).toBeGreaterThanOrEqual(textWidth(input, name));
    }
  });

  it('keeps every control of a row reachable by keyboard, moving and deleting behind one button', async () => {
    await mountPanel();
    const name = LONG[1];
    for (const control of [
      page.getByRole('radio', { name: `Use ${name} for new boxes (key 2)` }),
      page.getByRole('checkbox', { name: `Show boxes of ${name}` }),
      page.getByLabelText(`Colour of class ${name}`),
    ])
      await expect.element(control).toBeInTheDocument();
    const more = page.getByRole('button', { name: `Move or delete ${name}` });
    await expect.element(more).toHaveAttribute('aria-expanded', 'false');
    await expect.element(page.getByRole('button', { name: `Move ${name} up` })).not.toBeInTheDocument();

    (more.element() as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(more).toHaveAttribute('aria-expanded', 'true');
    await userEvent.tab();
    await expect.element(page.getByRole('button', { name: `Move ${name} up` })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(useProjectStore().classes.map((c) => c.name)).toEqual([LONG[1], LONG[0], LONG[2]]);
    await expect.element(page.getByRole('button', { name: `Move ${name} down` })).toBeVisible();
    await expect.element(page.getByRole('button', { name: `Delete class ${name}` })).toBeVisible();
    // The newly first class's key badge is the one its radio gives: 1.
    await expect
      .element(page.getByRole('radio', { name: `Use ${name} for new boxes (key 1)` }))
      .toBeInTheDocument();
  });
});
