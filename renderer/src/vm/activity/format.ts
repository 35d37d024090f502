/** "12 %" or "150 %" (two CPUs busy); a tenth below 10, where it still says something. */
export function formatCpu(percent: number): string {
  return `${percent > 0 && percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}

/** Memory as the list shows it: MiB up to a GiB, then GiB with one decimal. */
export function formatMemory(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib < 1024 ? `${Math.round(mib)} MiB` : `${(mib / 1024).toFixed(1)} GiB`;
}
