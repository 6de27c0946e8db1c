/**
 * A keyboard-first labeling session in browser mode, with the keys people bring from other labeling tools:
 * arrows/A/D through the image list, I to run the prompt, Enter / Shift+Enter to accept, W to draw,
 * 1–9 for the class, arrows to nudge (Shift ×10), Ctrl+D, Delete, Ctrl+Z / Ctrl+Y, Ctrl+= / Ctrl+- and
 * Ctrl+F for the view, Ctrl+B for the list. Two things need the mouse: picking one box on the canvas
 * (there is no key that moves the selection between boxes) and dragging out a new box.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestHookView } from '../src/renderer/src/canvas/test-hook';
import type { BoxRecord } from '../src/shared/project';
import { PROMPT, writeDataset } from '../test/cli/scenes';
import { startApp, type AppUnderTest } from './fixtures/app-server';
import { geometry, LabelPage, launchChromium } from './fixtures/label-page';

let app: AppUnderTest;
let browser: Browser;
let ui: LabelPage;
let fitted: TestHookView['view'];
/** The box drawn with W, followed through the spec. */
let drawn: BoxRecord;

const press = (key: string) => ui.page.keyboard.press(key);
const activeRole = () =>
  ui.page.evaluate(
    () => document.activeElement?.getAttribute('role') ?? document.activeElement?.tagName ?? null,
  );
const classId = (name: string) =>
  app.services
    .currentDataset()!
    .store.getMeta()
    .classes.find((c) => c.name === name)!.id;
const hookBox = (h: TestHookView, id: string) => h.doc?.boxes.find((b) => b.id === id);

beforeAll(async () => {
  [app, browser] = await Promise.all([
    startApp({
      model: 'flavourB',
      dataset: async (dir) => {
        const folder = path.join(dir, 'data');
        await writeDataset(folder);
        return folder;
      },
    }),
    launchChromium(),
  ]);
  ui = await LabelPage.open(browser, app.server.url);
  fitted = (await ui.waitForImage('a.png')).view;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

// One session, step by step: each `it` after the first starts where the one before it left off (the
// same page, image, selection and history), says so with "then", and the steps never run shuffled.
describe('keyboard-first labeling', { shuffle: false }, () => {
  it('moves through the image list with the arrows and with A / D', async () => {
    await ui.imageList.focus();
    await press('ArrowDown');
    await ui.waitForCurrent('broken.jpg');
    await press('ArrowDown');
    await ui.waitForImage('d-empty.png');
    await press('ArrowUp');
    await ui.waitForCurrent('broken.jpg');
    await press('d');
    await ui.waitForImage('d-empty.png');
    await press('a');
    await press('a');
    await ui.waitForImage('a.png');
    // The list keeps the focus and says which image is current.
    expect(await activeRole()).toBe('listbox');
    expect(await ui.option('a.png').getAttribute('aria-selected')).toBe('true');
    expect(await ui.imageList.getAttribute('aria-activedescendant')).toBe('image-option-0');
    // Tab goes from the list, over its resizable edge, to the canvas.
    await press('Tab');
    expect(await activeRole()).toBe('separator');
    await press('Tab');
    expect(await activeRole()).toBe('application');
  });

  it('then runs the prompt on the current image with I', async () => {
    await ui.promptField.focus();
    await ui.page.keyboard.type(PROMPT);
    // Letters typed into the prompt are text, not shortcuts: still on a.png, nothing run.
    expect((await ui.hook()).doc?.relPath).toBe('a.png');
    expect((await ui.hook()).doc?.boxes).toEqual([]);
    await ui.imageList.focus();
    await press('i');
    const h = await ui.waitForHookState((v) => v.doc?.boxes.length === 2, null, 30_000);
    expect(h.doc!.boxes.map((b) => b.origin.kind === 'suggestion' && b.origin.phrase).sort()).toEqual([
      'blue',
      'red',
    ]);
    await ui.waitForOption('a.png', 'Has suggestions, 2 boxes');
    await ui.waitForRunDone();
  });

  it('then accepts the selected suggestion with Enter (the selection itself needs a click)', async () => {
    const red = (await ui.boxes()).find((b) => b.origin.kind === 'suggestion' && b.origin.phrase === 'red')!;
    await ui.selectBox(red.id);
    expect(await activeRole()).toBe('application');
    await press('Enter');
    const h = await ui.waitForHookState((v, id) => hookBox(v, id)?.origin.kind === 'accepted', red.id);
    expect(geometry(hookBox(h, red.id)!)).toEqual(geometry(red));
  });

  it('then draws a box with W and a drag, in whole image pixels, and gives it a class with 1–9', async () => {
    await press('w');
    expect((await ui.hook()).tool).toBe('draw');
    drawn = await ui.drawBox({ x: 20.2, y: 300.4 }, { x: 80.3, y: 380.1 });
    expect(geometry(drawn)).toEqual({ x1: 20, y1: 300, x2: 80, y2: 380 });
    expect(drawn.origin).toEqual({ kind: 'manual' });
    expect(drawn.classId).toBe(classId('red'));
    expect((await ui.hook()).selection).toEqual([drawn.id]);

    await press('v');
    expect((await ui.hook()).tool).toBe('select');
    // The classes are those of what the prompt found here, red then blue: 2 is blue.
    await press('2');
    await ui.waitForHookState((v, { id, cls }) => hookBox(v, id)?.classId === cls, {
      id: drawn.id,
      cls: classId('blue'),
    });
    const select = ui.page.getByRole('combobox', { name: 'Class of selection' });
    expect(
      await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent?.trim()),
    ).toBe('blue');
    await ui.screenshot('keyboard-01-drawn');
  });

  it('then nudges the selection by 1 px with the arrows and by 10 px with Shift', async () => {
    const steps: [string, number, number][] = [
      ['ArrowRight', 1, 0],
      ['ArrowDown', 0, 1],
      ['ArrowLeft', -1, 0],
      ['Shift+ArrowRight', 10, 0],
      ['Shift+ArrowDown', 0, 10],
      ['ArrowUp', 0, -1],
      ['Shift+ArrowUp', 0, -10],
    ];
    let at = geometry(drawn);
    for (const [key, dx, dy] of steps) {
      const want = { x1: at.x1 + dx, y1: at.y1 + dy, x2: at.x2 + dx, y2: at.y2 + dy };
      await press(key);
      const h = await ui.waitForHookState(
        (v, { id, x1, y1 }) => hookBox(v, id)?.x1 === x1 && hookBox(v, id)?.y1 === y1,
        { id: drawn.id, ...want },
      );
      expect(geometry(hookBox(h, drawn.id)!), key).toEqual(want);
      at = want;
    }
    expect(at).toEqual({ x1: 30, y1: 300, x2: 90, y2: 380 });
    drawn = await ui.box(drawn.id);
  });

  it('then duplicates with Ctrl+D, deletes with Delete, and undoes / redoes with Ctrl+Z / Ctrl+Y', async () => {
    const before = await ui.boxes();
    await press('Control+d');
    let h = await ui.waitForHookState((v, n) => v.doc?.boxes.length === n, before.length + 1);
    const copy = h.doc!.boxes.find((b) => !before.some((o) => o.id === b.id))!;
    expect(geometry(copy)).toEqual({
      x1: drawn.x1 + 10,
      y1: drawn.y1 + 10,
      x2: drawn.x2 + 10,
      y2: drawn.y2 + 10,
    });
    expect(copy).toMatchObject({ classId: drawn.classId, origin: { kind: 'manual' } });
    expect(h.selection).toEqual([copy.id]);

    await press('Delete');
    h = await ui.waitForHookState((v, n) => v.doc?.boxes.length === n, before.length);
    expect(h.doc!.boxes).toEqual(before);
    // The toolbar follows the history of the image being edited.
    await ui.button('Undo').and(ui.page.locator(':enabled')).waitFor({ timeout: 2000 });
    await ui.button('Redo').and(ui.page.locator(':disabled')).waitFor({ timeout: 2000 });
    await press('Control+z');
    h = await ui.waitForHookState((v, n) => v.doc?.boxes.length === n, before.length + 1);
    expect(hookBox(h, copy.id)).toEqual(copy);
    await ui.button('Redo').and(ui.page.locator(':enabled')).waitFor({ timeout: 2000 });
    await press('Control+y');
    h = await ui.waitForHookState((v, n) => v.doc?.boxes.length === n, before.length);
    expect(h.doc!.boxes).toEqual(before);
    // Undo the duplicate as well, then redo it: history steps one command at a time.
    await press('Control+z');
    await ui.waitForHookState((v, id) => !!hookBox(v, id), copy.id);
    await press('Control+z');
    h = await ui.waitForHookState((v, n) => v.doc?.boxes.length === n, before.length);
    expect(h.doc!.boxes).toEqual(before);
    await press('Control+Shift+z');
    h = await ui.waitForHookState((v, id) => !!hookBox(v, id), copy.id);
    // Selection is not history: the copy is back but not selected, so Delete now does nothing.
    expect(h.selection).toEqual([]);
    await press('Control+z');
    h = await ui.waitForHookState((v, n) => v.doc?.boxes.length === n, before.length);
    expect(h.doc!.boxes).toEqual(before);
  });

  it('then zooms with Ctrl+= and Ctrl+-, pans with Space and a drag, and fits with Ctrl+F', async () => {
    const start = (await ui.hook()).view;
    await press('Control+Equal');
    const zoomed = (await ui.waitForHookState((v, s) => v.view.scale > s, start.scale)).view;
    expect(zoomed.scale).toBeCloseTo(start.scale * 1.25, 6);
    await press('Control+=');
    const twice = (await ui.waitForHookState((v, s) => v.view.scale > s, zoomed.scale)).view;
    expect(twice.scale).toBeCloseTo(start.scale * 1.25 ** 2, 6);
    await press('Control+Minus');
    expect((await ui.waitForHookState((v, s) => v.view.scale < s, twice.scale)).view.scale).toBeCloseTo(
      zoomed.scale,
      6,
    );

    // Space held turns a drag on a box into a pan: the view moves, the boxes do not.
    const boxes = await ui.boxes();
    const from = await ui.toClient({ x: (drawn.x1 + drawn.x2) / 2, y: (drawn.y1 + drawn.y2) / 2 });
    const panStart = (await ui.hook()).view;
    await ui.page.keyboard.down('Space');
    await ui.page.mouse.move(from.x, from.y);
    await ui.page.mouse.down();
    await ui.page.mouse.move(from.x - 60, from.y - 40, { steps: 4 });
    await ui.page.mouse.up();
    await ui.page.keyboard.up('Space');
    const panned = (await ui.hook()).view;
    expect(panned.x - panStart.x).toBeCloseTo(-60, 6);
    expect(panned.y - panStart.y).toBeCloseTo(-40, 6);
    expect(await ui.boxes()).toEqual(boxes);

    await press('Control+f');
    const back = (await ui.waitForHookState((v, s) => Math.abs(v.view.scale - s) < 1e-9, fitted.scale)).view;
    expect(back).toEqual(fitted);
  });

  it('then accepts every remaining suggestion with Shift+Enter, and Escape clears the selection', async () => {
    expect((await ui.boxes()).some((b) => b.origin.kind === 'suggestion')).toBe(true);
    await press('Shift+Enter');
    const h = await ui.waitForHookState(
      (v) => !!v.doc && v.doc.boxes.every((b) => b.origin.kind !== 'suggestion'),
      null,
    );
    expect(h.doc!.boxes.map((b) => b.origin.kind).sort()).toEqual(['accepted', 'accepted', 'manual']);
    await ui.selectBox(drawn.id);
    await press('w');
    await press('Escape');
    const cleared = await ui.waitForHookState((v) => v.selection.length === 0, null);
    expect(cleared.tool).toBe('select');
    await press('Control+s');
    await ui.waitSaved();
    await ui.waitForOption('a.png', 'Reviewed, 3 boxes');
    await ui.screenshot('keyboard-02-reviewed');
  });

  it('then runs the prompt on the filtered list with Ctrl+B and moves on with D', async () => {
    await press('Control+b');
    await ui.waitForOption('sub/b.jpg', 'Has suggestions, 2 boxes', 30_000);
    await ui.waitForRunDone();
    // The reviewed image keeps its boxes: accepted and manual ones are never replaced.
    await ui.waitForOption('a.png', 'Reviewed, 3 boxes');
    await press('d');
    await ui.waitForCurrent('broken.jpg');
    await press('d');
    await press('d');
    await press('d');
    await press('d');
    const h = await ui.waitForImage('sub/b.jpg');
    expect(h.doc!.boxes).toHaveLength(2);
  });
});
