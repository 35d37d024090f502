import { quoteArgv } from '../../../../shared/shell-words.js';
import type { LifecyclePlan } from '../../../../shared/api/lifecycle.js';

/** Exactly what an action will do, before it does it: host commands, files written, and Hivedesk's own steps. */
export function PlanView({ plan, label = 'What will be done' }: { plan?: LifecyclePlan; label?: string }) {
  if (!plan) return <p className="hint">Working out what will be done…</p>;
  if (plan.commands.length + plan.files.length + plan.steps.length === 0) return <p className="hint">Nothing to change.</p>;
  return (
    <ol className="plan" aria-label={label}>
      {plan.commands.map((c, i) => (
        <li key={`c${i}`}>
          <span className="why">{c.why}</span>
          <code>{quoteArgv(c.argv)}</code>
        </li>
      ))}
      {plan.files.map((f) => (
        <li key={f.path}>
          <span className="why">
            write {f.path}: {f.why}
          </span>
          <pre className="file">{f.content}</pre>
        </li>
      ))}
      {plan.steps.map((s) => (
        <li key={s}>
          <span className="step">{s}</span>
        </li>
      ))}
    </ol>
  );
}
