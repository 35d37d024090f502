import { invoke, subscribe } from '../../api/client.js';
import { createScreenReaderStore } from './screen-reader-store.js';

/** Whether consoles are read by a screen reader (see createScreenReaderStore), for every console in this page. */
export const useScreenReader = createScreenReaderStore(localStorage);

/** Consoles follow the desktop's screen reader: as the host says now, then as it changes. Returns how to stop. */
export function followDesktopScreenReader(): () => void {
  void invoke('getHostInfo', {}).then((info) => info.ok && useScreenReader.getState().detect(info.value.assistiveTechnology));
  return subscribe((event) => {
    if (event.name === 'onDidChangeAssistiveTechnology') useScreenReader.getState().detect(event.payload.detected);
  });
}
