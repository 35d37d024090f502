import { useScreenReader } from './screen-reader.js';

/** Turns screen reader support on or off in every console tab. */
export function ScreenReaderToggle() {
  const on = useScreenReader((s) => s.on);
  return (
    <button aria-pressed={on} title="Let a screen reader read the consoles (on by itself while the desktop runs one; they draw more slowly while it is on)" onClick={() => useScreenReader.getState().set(!on)}>
      Screen reader
    </button>
  );
}
