import { memo } from 'react';
import { useActivity } from '../../stores/activity.js';
import { formatCpu, formatMemory } from './format.js';
import { cpuScale, linePoints } from './plot.js';

const WIDTH = 56;
const HEIGHT = 18;

/**
 * A running guest's CPU over the last five minutes, drawn small for its row, with the current CPU
 * and memory beside it. It subscribes to its own guest's samples only. A screen reader gets the
 * current values as the image's name.
 */
export const Sparkline = memo(function Sparkline({ name }: { name: string }) {
  const points = useActivity((s) => s.byName[name]);
  const last = points?.at(-1);
  if (!points || !last) return <span className="spark-waiting">measuring…</span>;
  const label = `CPU ${formatCpu(last.cpuPercent)}, memory ${formatMemory(last.memoryBytes)}`;
  return (
    <span className="spark" role="img" aria-label={label} title={`${label} (CPU over the last 5 minutes)`}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} aria-hidden="true" focusable="false">
        {/* The five minutes' frame, so a guest that just started shows where its line will grow. */}
        <line className="spark-base" x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
        <polyline points={linePoints(points, (p) => p.cpuPercent, cpuScale(points), { left: 0, top: 1, width: WIDTH, height: HEIGHT - 2 })} />
      </svg>
      <span aria-hidden="true">
        {formatCpu(last.cpuPercent)} · {formatMemory(last.memoryBytes)}
      </span>
    </span>
  );
});
