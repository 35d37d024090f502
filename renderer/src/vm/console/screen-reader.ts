import type { HostInfo } from '../../../../shared/api/host.js';
import { invoke, subscribe } from '../../api/client.js';
import { createScreenReaderStore } from './screen-reader-store.js';

/** Whether consoles are read by a screen reader (see createScreenReaderStore), for every console in this page. */
export const useScreenReader = createScreenReaderStore(localStorage);

/**
 * Consoles follow the desktop's screen reader: as `info` (the host's facts, which the page may be
 * loading anyway) says, then as it changes. Returns how to stop.
 */
export function followDesktopScreenReader(info: Promise<HostInfo | undefined> = hostInfo()): () => void {
  void info.then((facts) => facts && useScreenReader.getState().detect(facts.assistiveTechnology));
  return subscribe((event) => {
    if (event.name === 'onDidChangeAssistiveTechnology') useScreenReader.getState().detect(event.payload.detected);
  });
}

async function hostInfo(): Promise<HostInfo | undefined> {
  const result = await invoke('getHostInfo', {});
  return result.ok ? result.value : undefined;
}
