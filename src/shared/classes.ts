import { newId } from './ids';
import type { ClassDef, ProjectMeta } from './project';

/** Distinct colours (Sasha Trubetskoy's list), given to new classes in turn. */
export const CLASS_COLORS = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#469990',
  '#9a6324',
  '#800000',
  '#808000',
  '#000075',
  '#fabed4',
  '#dcbeff',
  '#aaffc3',
] as const;

/** The first colour no class uses yet, or the next one round the list when all are taken. */
export function nextClassColor(classes: readonly ClassDef[]): string {
  const used = new Set(classes.map((c) => c.color.toLowerCase()));
  return CLASS_COLORS.find((c) => !used.has(c)) ?? CLASS_COLORS[classes.length % CLASS_COLORS.length];
}

/** The class with this name, compared trimmed and case-insensitively. */
export const classByName = (
  classes: readonly ClassDef[],
  name: string,
  except?: string,
): ClassDef | undefined =>
  classes.find((c) => c.id !== except && c.name.toLowerCase() === name.trim().toLowerCase());

export interface PhraseClasses {
  /** The meta with the classes and phrase mappings that were missing; the same object when nothing was. */
  readonly meta: ProjectMeta;
  /** phrase → class id, for every phrase asked about. */
  readonly classOf: ReadonlyMap<string, string>;
  readonly changed: boolean;
}

/** The name a phrase's class is made with: the one a class list gave it, or the phrase itself. */
export const classNameOf = (meta: Pick<ProjectMeta, 'phraseNames'>, phrase: string): string =>
  meta.phraseNames?.[phrase] ?? phrase.trim();

/** The name of a phrase's class: the class it is mapped to, or the one it would be made with. */
export function classNameForPhrase(
  meta: Pick<ProjectMeta, 'classes' | 'phraseClasses' | 'phraseNames'>,
  phrase: string,
): string {
  const id = meta.phraseClasses[phrase];
  return meta.classes.find((c) => c.id === id)?.name ?? classNameOf(meta, phrase);
}

/**
 * The class of each phrase through meta.phraseClasses. A phrase with no class, or whose class was
 * deleted, gets the class named by classNameOf, created when there is none (stable random id, the
 * next free colour): what the renderer does when a prompt finds something, so both ends agree.
 */
export function ensurePhraseClasses(
  meta: ProjectMeta,
  phrases: Iterable<string>,
  makeId: () => string = newId,
): PhraseClasses {
  let classes = meta.classes;
  let phraseClasses = meta.phraseClasses;
  const ids = new Set(classes.map((c) => c.id));
  const classOf = new Map<string, string>();
  for (const phrase of phrases) {
    let id = phraseClasses[phrase];
    if (!id || !ids.has(id)) {
      const name = classNameOf(meta, phrase);
      let cls = classByName(classes, name);
      if (!cls) {
        cls = { id: makeId(), name, color: nextClassColor(classes) };
        classes = [...classes, cls];
        ids.add(cls.id);
      }
      id = cls.id;
      phraseClasses = { ...phraseClasses, [phrase]: id };
    }
    classOf.set(phrase, id);
  }
  const changed = classes !== meta.classes || phraseClasses !== meta.phraseClasses;
  return { meta: changed ? { ...meta, classes, phraseClasses } : meta, classOf, changed };
}
