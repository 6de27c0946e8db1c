import { describe, expect, it } from 'vitest';
import { invocationOf } from './commands';

describe('groundlabel <command>', () => {
  it('hands a known command the arguments after its name', () => {
    expect(invocationOf(['label', '--images', 'x'])).toEqual({
      kind: 'command',
      name: 'label',
      argv: ['--images', 'x'],
    });
  });

  it('prints the usage for --help, -h and help', () => {
    for (const flag of ['--help', '-h', 'help']) expect(invocationOf([flag])).toEqual({ kind: 'help' });
  });

  it('names an unknown command, and says when none was given', () => {
    expect(invocationOf(['lable'])).toEqual({ kind: 'unknown', given: 'lable' });
    expect(invocationOf(['toString'])).toEqual({ kind: 'unknown', given: 'toString' });
    expect(invocationOf([])).toEqual({ kind: 'unknown', given: undefined });
  });
});
