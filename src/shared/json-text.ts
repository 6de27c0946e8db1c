/**
 * Reading JSON from files a person or another tool wrote, so that a failure says where the text
 * breaks and never repeats any of it: a message may be shown in a page or a log, and the file may
 * not be GroundLabel's at all.
 */

/** 1-based line of the character at `index`. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/**
 * Why `body` is not JSON, with the line when the parser says where, and never a piece of the file:
 * JavaScript's parser quotes the text around an unexpected character (`Unexpected token 'r',
 * "root:x:0:0"... is not valid JSON`), so only its messages made of fixed words are kept.
 */
export function jsonSyntaxError(
  body: string,
  error: unknown,
): { readonly line?: number; readonly why: string } {
  const message = error instanceof Error ? error.message : String(error);
  // Newer engines end the message with "(line 3 column 1)", older ones with "at position 12".
  const lineColumn = / \(line (\d+) column \d+\)$/.exec(message);
  const raw = lineColumn === null ? message : message.slice(0, lineColumn.index);
  const at = /at position (\d+)$/.exec(raw);
  const line = lineColumn
    ? Number(lineColumn[1])
    : at === null
      ? undefined
      : lineAt(body, Math.min(Number(at[1]), body.length));
  return {
    ...(line !== undefined && { line }),
    why: `not valid JSON: ${raw.includes('"') ? 'an unexpected character' : raw}`,
  };
}

/** JSON.parse, failing with "<name>:<line> is not valid JSON: …" and no piece of the text. */
export function parseJsonText(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const { line, why } = jsonSyntaxError(text, e);
    throw new SyntaxError(`${line === undefined ? name : `${name}:${line}`} is ${why}`, { cause: e });
  }
}
