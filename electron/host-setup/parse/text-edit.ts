/** A file's new text, or why it cannot be edited safely (then nothing is written). */
export type Edited = { ok: true; text: string } | { ok: false; problem: string };

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Joins lines back, always ending in a newline (an edit never leaves a last line unterminated). */
export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Text no one means to edit by hand: NUL bytes (a binary file in its place). */
export function binaryProblem(text: string): string | undefined {
  return text.includes('\0') ? 'it holds NUL bytes: it is not a text file' : undefined;
}
