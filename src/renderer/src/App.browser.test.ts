import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { useEditorStore } from './stores/editor';
import { useSettingsStore } from './stores/settings';
import { detection, manual } from './testing/boxes';
import { numberedImages as images } from './testing/datasets';
import { hook, until } from './testing/mount';
import { mountApp } from './testing/mount-app';

beforeAll(() => page.viewport(1400, 900));
afterEach(() => localStorage.clear());

const cat = detection('cat', 0.81, [20, 30, 120, 130]);

describe('app', () => {
  it('names its main controls for people using screen readers and for tests', async () => {
    await mountApp({ images: images(3) });
    for (const [role, name] of [
      ['button', 'Run prompt'],
      ['textbox', 'Prompt'],
      ['slider', 'Box threshold'],
      ['slider', 'Text threshold'],
      ['listbox', 'Images'],
      ['button', 'Undo'],
      ['button', 'Redo'],
      ['button', 'Accept all'],
      ['button', 'Export'],
      ['status', 'Save status'],
      ['application', 'Image canvas'],
      ['combobox', 'Language'],
      ['textbox', 'Folder path'],
    ] as const) {
      expect(page.getByRole(role, { name }).elements(), `${role} "${name}"`).not.toHaveLength(0);
    }
    expect(page.getByRole('listbox', { name: 'Images' }).getByRole('option').elements()).toHaveLength(3);
  });

  it('renders only the visible rows of 10,000 images and follows A and D', async () => {
    await mountApp({ images: images(10_000) });
    const options = page.getByRole('listbox', { name: 'Images' }).getByRole('option').elements();
    expect(options.length).toBeLessThan(80);
    expect(options[0].getAttribute('aria-setsize')).toBe('10000');
    await userEvent.keyboard('d');
    await until(() => hook().doc?.relPath === 'img00001.jpg');
    await userEvent.keyboard('a');
    await until(() => hook().doc?.relPath === 'img00000.jpg');
  });

  it('draws with W, undoes with Ctrl+Z and redoes with Ctrl+Y, saving each change', async () => {
    const { api } = await mountApp({ images: images(2) });
    await userEvent.keyboard('w');
    expect(hook().tool).toBe('draw');
    useEditorStore().drawBox({ x1: 10, y1: 10, x2: 50, y2: 60 });
    await until(() => api.docs.get('img-0')?.boxes.length === 1);
    await userEvent.keyboard('{Control>}z{/Control}');
    await until(() => api.docs.get('img-0')?.boxes.length === 0);
    await userEvent.keyboard('{Control>}y{/Control}');
    await until(() => api.docs.get('img-0')?.boxes.length === 1);
    await expect.element(page.getByRole('status', { name: 'Save status' })).toHaveTextContent('Saved');
  });

  it('nudges the selection with arrows and deletes it with Delete', async () => {
    await mountApp({ images: [{ ...images(1)[0], boxes: [manual('m', 10, 10, 50, 50)] }] });
    useEditorStore().select(['m']);
    await userEvent.keyboard('{ArrowRight}{Shift>}{ArrowDown}{/Shift}');
    expect(hook().doc?.boxes[0]).toMatchObject({ x1: 11, y1: 20 });
    await userEvent.keyboard('{Delete}');
    expect(hook().doc?.boxes).toHaveLength(0);
  });

  it('runs the prompt on the image with I, and accepts the suggestion with Enter', async () => {
    await mountApp({
      images: images(2),
      model: { loaded: true, name: 'tiny', provider: 'cpu' },
      detect: () => [cat],
    });
    await userEvent.fill(page.getByRole('textbox', { name: 'Prompt' }), 'cat');
    (document.querySelector('[role="application"]') as HTMLElement).focus();
    await userEvent.keyboard('i');
    await until(() => hook().doc?.boxes.length === 1);
    expect(hook().doc?.boxes[0].origin).toMatchObject({ kind: 'suggestion', score: 0.81 });
    await expect
      .element(page.getByRole('option', { name: /img00000\.jpg.*Has suggestions/ }))
      .toBeInTheDocument();
    useEditorStore().select([hook().doc?.boxes[0].id ?? '']);
    await userEvent.keyboard('{Enter}');
    expect(hook().doc?.boxes[0].origin).toMatchObject({ kind: 'accepted', phrase: 'cat' });
  });

  it('warns about overlapping phrases and counts tokens', async () => {
    await mountApp({ images: images(1) });
    await userEvent.fill(page.getByRole('textbox', { name: 'Prompt' }), 'person . girl');
    await expect.element(page.getByText(/“person” and “girl” overlap/)).toBeInTheDocument();
    await expect.element(page.getByRole('status', { name: 'Tokens' })).toHaveTextContent('6 / 256');
  });

  it('explains where to put a model when none is loaded', async () => {
    await mountApp({ images: images(1), model: { modelsDir: '/home/me/models' } });
    await expect.element(page.getByText(/Put a model in \/home\/me\/models/)).toBeInTheDocument();
    await expect.element(page.getByText(/groundingdino_swint_ogc_quant\.onnx/)).toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Run prompt' })).toBeDisabled();
  });

  it('previews and writes an export', async () => {
    await mountApp({
      images: [{ ...images(1)[0], boxes: [manual('m', 10, 10, 50, 50, 'c1')], reviewed: true }],
      meta: { classes: [{ id: 'c1', name: 'cat', color: '#ff8800' }], phraseClasses: {}, promptHistory: [] },
    });
    await page.getByRole('button', { name: 'Export' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export labels' });
    await expect.element(dialog.getByText('Images reviewed')).toBeInTheDocument();
    await page.getByRole('radio', { name: 'COCO detection JSON' }).click();
    await page.getByRole('button', { name: 'Write export' }).click();
    await expect.element(dialog.getByText('Exported to /data/set/export-coco')).toBeInTheDocument();
  });

  it('leaves keys to an open dialog even when the focus is on the page behind it', async () => {
    await mountApp({ images: [{ ...images(1)[0], boxes: [manual('m', 10, 10, 50, 50)] }] });
    useEditorStore().select(['m']);
    await page.getByRole('button', { name: 'Statistics' }).click();
    const dialog = page.getByRole('dialog', { name: 'Dataset statistics' });
    await expect.element(dialog).toBeVisible();
    (document.activeElement as HTMLElement | null)?.blur();
    expect(document.activeElement).toBe(document.body);
    // Delete is the editor's while no dialog is open; under the dialog it must not delete the box.
    await userEvent.keyboard('{Delete}');
    expect(hook().doc?.boxes).toHaveLength(1);
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog).not.toBeInTheDocument();
    expect(hook().selection).toEqual(['m']);
  });

  it('switches to Simplified Chinese and remembers it', async () => {
    await mountApp({ images: images(1) });
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Language' }), 'zh-CN');
    await expect.element(page.getByRole('button', { name: '运行提示词' })).toBeInTheDocument();
    expect(localStorage.getItem('groundlabel.locale')).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');
    useSettingsStore().setLocale('en');
  });
});
