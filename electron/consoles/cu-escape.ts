/**
 * cu (Taylor's on Linux, tip's on FreeBSD) treats `~` at the start of a line as a command:
 * `~.` hangs up the line for every tab, `~!` runs a shell on the host. Tabs share one cu, so
 * a tilde typed at a line start is sent as `~~`, which both cu's pass to the guest as one `~`.
 */
export class CuEscapeGuard {
  private atLineStart = true;

  filter(input: string): string {
    let out = '';
    for (const ch of input) {
      out += this.atLineStart && ch === '~' ? '~~' : ch;
      this.atLineStart = ch === '\r' || ch === '\n';
    }
    return out;
  }
}
