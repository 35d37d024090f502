// Readers for what VBoxManage prints. Pure.

/**
 * `showvminfo --machinereadable`: one `key=value` a line, in VBoxManage's order (a drive's lines follow its medium);
 * strings in double quotes with \" and \\ escaped, numbers bare, some keys quoted too ("SATA-0-0"="/path").
 */
export function parseMachineReadable(stdout: string): Array<[string, string]> {
  return stdout.split('\n').flatMap((line): Array<[string, string]> => {
    const match = /^("(?:[^"\\]|\\.)*"|[^=]+)=(.*)$/.exec(line.trimEnd());
    return match?.[1] && match[2] !== undefined ? [[unquote(match[1]), unquote(match[2])]] : [];
  });
}

function unquote(text: string): string {
  return /^".*"$/.test(text) ? text.slice(1, -1).replace(/\\(.)/g, '$1') : text;
}

/** `list vms` / `list runningvms`: `"name" {uuid}` a line. */
export function parseVmList(stdout: string): Array<{ name: string; uuid: string }> {
  return stdout.split('\n').flatMap((line) => {
    const match = /^"(.*)" \{([0-9a-f-]{36})\}$/i.exec(line.trim());
    return match?.[1] !== undefined && match[2] ? [{ name: match[1], uuid: match[2] }] : [];
  });
}

/** `list systemproperties`: the VRDE extension pack new machines use ("VNC" serves VNC; Oracle's serves RDP). */
export function defaultVrdeExtPack(stdout: string): string | undefined {
  return /^Default VRDE extension pack:\s*(.+)$/m.exec(stdout)?.[1]?.trim();
}
