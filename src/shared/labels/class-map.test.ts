import { describe, expect, it } from 'vitest';
import { mapPhrasesToClasses, parseClassSpec } from './class-map';

describe('parseClassSpec', () => {
  it('reads phrase=class pairs, lower-casing phrases and keeping class names as written', () => {
    const r = parseClassSpec(' Girl = Person ,boy=Person,  traffic   light=signal ');
    expect(r.ok && [...r.value]).toEqual([
      ['girl', 'Person'],
      ['boy', 'Person'],
      ['traffic light', 'signal'],
    ]);
  });

  it('names the part that is not phrase=class', () => {
    expect(parseClassSpec('cat=animal,dog')).toEqual({
      ok: false,
      error: '"dog" is not of the form phrase=class',
    });
    expect(parseClassSpec('=x').ok).toBe(false);
  });

  it('refuses a phrase mapped to two classes', () => {
    expect(parseClassSpec('cat=a,cat=b')).toEqual({ ok: false, error: 'the phrase "cat" is mapped twice' });
  });
});

describe('mapPhrasesToClasses', () => {
  it('makes each phrase its own class, in prompt order, when nothing is mapped', () => {
    const r = mapPhrasesToClasses(['dog', 'cat'], new Map());
    expect(r.ok && r.value).toEqual({ classes: ['dog', 'cat'], classOfPhrase: [0, 1] });
  });

  it('lets several phrases share one class', () => {
    const r = mapPhrasesToClasses(
      ['girl', 'car', 'boy'],
      new Map([
        ['girl', 'person'],
        ['boy', 'person'],
      ]),
    );
    expect(r.ok && r.value).toEqual({ classes: ['person', 'car'], classOfPhrase: [0, 1, 0] });
  });

  it('refuses a mapping for a phrase the prompt does not have', () => {
    const r = mapPhrasesToClasses(['cat'], new Map([['dgo', 'dog']]));
    expect(r).toEqual({ ok: false, error: '--classes names phrases that are not in the prompt: "dgo"' });
  });
});
