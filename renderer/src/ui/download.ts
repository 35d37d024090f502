/** Saves a blob as `<stem>-<time>.<extension>` through the browser's (or Electron's) download. */
export function download(blob: Blob, stem: string, extension: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${stem}-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.${extension}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
