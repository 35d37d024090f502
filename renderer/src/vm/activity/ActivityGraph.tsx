import { parseSizeMiB } from '../../../../shared/validation.js';
import type { VmSummary } from '../../../../shared/api/vms.js';
import { type ActivityPoint, useActivity } from '../../stores/activity.js';
import { useBackend } from '../../stores/host.js';
import { formatCpu, formatMemory } from './format.js';
import { cpuScale, linePoints } from './plot.js';

const WIDTH = 900;
const HEIGHT = 160;
const BOX = { left: 64, top: 10, width: WIDTH - 64 - 12, height: HEIGHT - 10 - 26 };
const MIB = 2 ** 20;
const TIME_LABELS = [
  ['5 min ago', 'start'],
  ['2.5 min ago', 'middle'],
  ['now', 'end'],
] as const;

/** A running guest's CPU and memory over the last five minutes, on its page. */
export function ActivityGraph({ vm }: { vm: VmSummary }) {
  const points = useActivity((s) => s.byName[vm.name]);
  const running = vm.state === 'running';
  const backend = useBackend(vm.backend);
  const process = backend?.hints.process;
  return (
    <section className="activity" aria-labelledby={`activity-${vm.name}`}>
      <h3 id={`activity-${vm.name}`}>Activity</h3>
      {backend && !process && <p className="hint">Hivedesk does not measure the CPU and memory of {backend.label} guests yet.</p>}
      {!running && process && <p className="hint">Shown while {vm.name} runs: the CPU and memory of its {process}.</p>}
      {running && process && !points?.length && <p className="hint">Measuring… the first numbers come within a few seconds.</p>}
      {running && points?.length ? (
        <div className="activity-charts">
          <Chart title="CPU" points={points} value={(p) => p.cpuPercent} max={cpuScale(points)} format={formatCpu} note="100 % is one host CPU busy" />
          <Chart title="Memory" points={points} value={(p) => p.memoryBytes} max={memoryScale(points, vm.memory)} format={formatMemory} note={`resident, of ${vm.memory} given to the guest`} />
        </div>
      ) : null}
    </section>
  );
}

interface ChartProps {
  title: string;
  points: readonly ActivityPoint[];
  value: (point: ActivityPoint) => number;
  max: number;
  format: (value: number) => string;
  note: string;
}

/** One value over time, with its scale on the left and the time along the bottom. */
function Chart({ title, points, value, max, format, note }: ChartProps) {
  const now = value(points.at(-1) as ActivityPoint);
  const peak = Math.max(...points.map(value));
  const summary = `${title} over the last 5 minutes: now ${format(now)}, highest ${format(peak)}`;
  const ticks = [0, max / 2, max];
  const y = (v: number) => BOX.top + BOX.height * (1 - v / max);
  const bottom = BOX.top + BOX.height;
  return (
    <figure className="chart">
      <figcaption>
        <strong>{title}</strong> {format(now)} <span className="hint">· highest {format(peak)} · {note}</span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        {ticks.map((tick) => (
          <g key={tick} className="tick">
            <line x1={BOX.left} x2={BOX.left + BOX.width} y1={y(tick)} y2={y(tick)} />
            <text x={BOX.left - 8} y={y(tick)} textAnchor="end" dominantBaseline="middle">
              {format(tick)}
            </text>
          </g>
        ))}
        {TIME_LABELS.map(([label, anchor], i) => (
          <text key={label} className="time" x={BOX.left + (BOX.width * i) / 2} y={bottom + 18} textAnchor={anchor}>
            {label}
          </text>
        ))}
        <line className="axis" x1={BOX.left} x2={BOX.left} y1={BOX.top} y2={bottom} />
        <line className="axis" x1={BOX.left} x2={BOX.left + BOX.width} y1={bottom} y2={bottom} />
        <polyline className="series" points={linePoints(points, value, max, BOX)} />
      </svg>
    </figure>
  );
}

/** Up to the memory the guest was given, or beyond it in whole 256 MiB steps (QEMU's own use comes on top). */
function memoryScale(points: readonly ActivityPoint[], given: string): number {
  const givenBytes = (parseSizeMiB(given) ?? 0) * MIB;
  const peak = Math.max(0, ...points.map((p) => p.memoryBytes));
  return Math.max(256 * MIB, peak <= givenBytes ? givenBytes : Math.ceil(peak / (256 * MIB)) * 256 * MIB);
}
