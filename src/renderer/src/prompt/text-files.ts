/** Small text files a person saves or picks in the page: no file system access beyond what they choose. */

/** Hands text to the browser's download as a file (Electron asks where to save it). */
export function saveTextFile(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The file picked in a file input's change event, read as text; the input is cleared for the next pick. */
export async function takePickedFile(event: Event): Promise<{ name: string; text: string } | null> {
  const input = event.target as HTMLInputElement | null;
  const file = input?.files?.[0];
  if (input) input.value = '';
  return file ? { name: file.name, text: await file.text() } : null;
}
