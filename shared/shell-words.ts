/**
 * Shell-quotes argv for display and copying. Words made only of characters no POSIX shell
 * treats specially stay bare, so `-s 0:0,hostbridge` reads as in the handbook (shell-quote
 * escapes `,`, `=` and `:`, which is valid but unreadable); anything else is single-quoted.
 */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

export function quoteWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
