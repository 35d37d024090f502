import { ACTIVITY_WINDOW_MS, type ActivityPoint } from '../../stores/activity.js';

export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * An SVG polyline's points for one value of the samples: time across (the five minutes up to
 * the newest sample), the value up from 0 to `max`.
 */
export function linePoints(points: readonly ActivityPoint[], value: (point: ActivityPoint) => number, max: number, box: PlotBox): string {
  const end = points.at(-1)?.at ?? 0;
  const x = (at: number) => box.left + box.width * (1 - (end - at) / ACTIVITY_WINDOW_MS);
  const y = (v: number) => box.top + box.height * (1 - Math.min(v, max) / max);
  return points.map((point) => `${x(point.at).toFixed(1)},${y(value(point)).toFixed(1)}`).join(' ');
}

/** The CPU scale: 100 % (one CPU), or whole hundreds above it when a guest keeps more than one CPU busy. */
export function cpuScale(points: readonly ActivityPoint[]): number {
  return Math.max(100, Math.ceil(Math.max(0, ...points.map((p) => p.cpuPercent)) / 100) * 100);
}
