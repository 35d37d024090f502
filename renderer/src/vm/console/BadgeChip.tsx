import { BADGE_TEXT, URGENT_BADGES } from '../../../../shared/api/console-badges.js';
import { useConsoleBadges } from '../../stores/console-badges.js';

/** What a guest's console shows it is waiting for (a login prompt) or what went wrong (a panic). */
export function BadgeChip({ name }: { name: string }) {
  const badge = useConsoleBadges((s) => s.byName[name]);
  if (!badge) return null;
  return (
    <span className={`badge badge-${badge}${URGENT_BADGES.has(badge) ? ' urgent' : ''}`} title={`Seen on ${name}'s serial console`}>
      {BADGE_TEXT[badge]}
    </span>
  );
}

/** The host bar's switch for desktop notifications on a panic or a mountroot prompt. */
export function NotifyToggle() {
  const notify = useConsoleBadges((s) => s.notify);
  return (
    <label className="check notify-toggle" title="A desktop notification when a guest's console shows a panic or a mountroot prompt">
      <input type="checkbox" checked={notify} onChange={(e) => void useConsoleBadges.getState().setNotify(e.target.checked)} />
      Notify on panics
    </label>
  );
}
