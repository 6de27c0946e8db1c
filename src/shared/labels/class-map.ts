/** How prompt phrases become project classes: many phrases may share one class. */
export interface ClassMapping {
  /** Class names in order: ids are indices. */
  readonly classes: readonly string[];
  /** Class id of each prompt phrase, by phrase index. */
  readonly classOfPhrase: readonly number[];
}

export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Parses `"phrase=class,phrase2=class"`; phrases are matched lower-cased like the prompt's. */
export function parseClassSpec(spec: string): ParseResult<ReadonlyMap<string, string>> {
  const map = new Map<string, string>();
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    const phrase = part.slice(0, eq).trim().toLowerCase().replace(/\s+/g, ' ');
    const cls = part.slice(eq + 1).trim();
    if (eq < 0 || !phrase || !cls) return { ok: false, error: `"${part}" is not of the form phrase=class` };
    if (map.has(phrase) && map.get(phrase) !== cls)
      return { ok: false, error: `the phrase "${phrase}" is mapped twice` };
    map.set(phrase, cls);
  }
  return { ok: true, value: map };
}

/**
 * Classes in the order their phrases appear in the prompt; a phrase without a mapping is its own
 * class. A mapping for a phrase the prompt does not have is an error, since it is most likely a typo.
 */
export function mapPhrasesToClasses(
  phrases: readonly string[],
  mapping: ReadonlyMap<string, string>,
): ParseResult<ClassMapping> {
  const unknown = [...mapping.keys()].filter((p) => !phrases.includes(p));
  if (unknown.length) {
    return {
      ok: false,
      error: `--classes names phrases that are not in the prompt: ${unknown.map((p) => `"${p}"`).join(', ')}`,
    };
  }
  const classes: string[] = [];
  const classOfPhrase = phrases.map((phrase) => {
    const name = mapping.get(phrase) ?? phrase;
    const existing = classes.indexOf(name);
    return existing >= 0 ? existing : classes.push(name) - 1;
  });
  return { ok: true, value: { classes, classOfPhrase } };
}
