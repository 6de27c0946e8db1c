import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createApp, defineComponent, h, nextTick, ref } from 'vue';
import AppDialog from './AppDialog.vue';

let unmount = () => {};
afterEach(() => unmount());

/** A dialog with a field and a submit button, and its model exposed to the test. */
function mountDialog(withSubmit: boolean) {
  const open = ref(false);
  const submits = ref(0);
  const Host = defineComponent(
    () => () =>
      h(
        AppDialog,
        {
          open: open.value,
          'onUpdate:open': (v: boolean) => (open.value = v),
          title: 'Rename class',
          ...(withSubmit ? { onSubmit: () => submits.value++ } : {}),
        },
        {
          default: () => h('label', ['Name ', h('input', { type: 'text' })]),
          footer: () => h('button', { type: 'submit' }, 'Save'),
        },
      ),
  );
  const el = document.createElement('div');
  document.body.append(el);
  const app = createApp(Host);
  app.mount(el);
  unmount = () => {
    app.unmount();
    el.remove();
  };
  return { open, submits };
}

const dialog = () => page.getByRole('dialog', { name: 'Rename class' });

describe('app dialog', () => {
  it('opens as a modal named by its title, focuses its first control, and closes on Escape', async () => {
    const { open } = mountDialog(true);
    await expect.element(dialog()).not.toBeInTheDocument();
    open.value = true;
    await expect.element(dialog()).toBeVisible();
    expect(document.querySelector('dialog')?.matches(':modal')).toBe(true);
    await expect.element(dialog().getByRole('textbox', { name: 'Name' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect.element(dialog()).not.toBeInTheDocument();
    expect(open.value).toBe(false);
  });

  it('hands Enter and the submit button to its submit handler and stays open', async () => {
    const { open, submits } = mountDialog(true);
    open.value = true;
    await userEvent.type(dialog().getByRole('textbox', { name: 'Name' }), 'dog{Enter}');
    await dialog().getByRole('button', { name: 'Save' }).click();
    expect(submits.value).toBe(2);
    await expect.element(dialog()).toBeVisible();
    expect(open.value).toBe(true);
  });

  it('closes when its model turns false', async () => {
    const { open } = mountDialog(false);
    open.value = true;
    await expect.element(dialog()).toBeVisible();
    expect(document.querySelector('dialog form')).toBeNull();
    open.value = false;
    await nextTick();
    await expect.element(dialog()).not.toBeInTheDocument();
  });
});
