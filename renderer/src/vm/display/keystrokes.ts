/**
 * Text as the key presses that type it, for guests that only have a keyboard (a screen, no clipboard). The keys are a
 * US keyboard's, Shift held for the characters that need it: a VNC server that takes physical keys (QEMU's extended key
 * events) then types exactly these characters, and one that takes keysyms gets the Shift it expects. Other characters
 * go as their keysym alone, for the server's own keymap to place.
 */
export interface Keystroke {
  /** The X11 keysym of the character. */
  keysym: number;
  /** The physical key (KeyboardEvent.code), or null when a US keyboard has none. */
  code: string | null;
  shift: boolean;
}

export const SHIFT: Keystroke = { keysym: 0xffe1, code: 'ShiftLeft', shift: false };
const RETURN: Keystroke = { keysym: 0xff0d, code: 'Enter', shift: false };
const TAB: Keystroke = { keysym: 0xff09, code: 'Tab', shift: false };

/** The US layout's symbol keys: the character without Shift, then with it. */
const SYMBOL_KEYS: Record<string, string> = {
  Backquote: '`~', Minus: '-_', Equal: '=+', BracketLeft: '[{', BracketRight: ']}', Backslash: '\\|',
  Semicolon: ';:', Quote: '\'"', Comma: ',<', Period: '.>', Slash: '/?', Space: ' ',
  Digit1: '1!', Digit2: '2@', Digit3: '3#', Digit4: '4$', Digit5: '5%', Digit6: '6^', Digit7: '7&', Digit8: '8*', Digit9: '9(', Digit0: '0)',
};

const US_KEYS = new Map<string, { code: string; shift: boolean }>([
  ...Object.entries(SYMBOL_KEYS).flatMap(([code, chars]) => [...chars].map((char, i) => [char, { code, shift: i === 1 }] as const)),
  ...[...'abcdefghijklmnopqrstuvwxyz'].flatMap((letter) => {
    const code = `Key${letter.toUpperCase()}`;
    return [[letter, { code, shift: false }], [letter.toUpperCase(), { code, shift: true }]] as const;
  }),
]);

export function keystrokes(text: string): Keystroke[] {
  return [...text.replace(/\r\n?/g, '\n')].flatMap((char): Keystroke[] => {
    if (char === '\n') return [RETURN];
    if (char === '\t') return [TAB];
    const point = char.codePointAt(0) ?? 0;
    // Other control characters are not keys.
    if (point < 0x20 || point === 0x7f) return [];
    const key = US_KEYS.get(char);
    // Latin-1 keysyms are their code points; the rest of Unicode is 0x1000000 plus the code point.
    const keysym = point < 0x100 ? point : 0x1000000 | point;
    return [{ keysym, code: key?.code ?? null, shift: key?.shift ?? false }];
  });
}
