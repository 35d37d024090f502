import { useState } from 'react';
import type { HostCheck } from '../../../../shared/api/host-setup.js';
import { useHostSetup } from '../../stores/host-setup.js';

const STATUS_TEXT = { ok: 'OK', missing: 'Missing', unknown: 'Unknown' } as const;

/** One check: its status, what it found and why it matters, the evidence, and its Fix. */
export function CheckRow({ check, focused }: { check: HostCheck; focused: boolean }) {
  const [nic, setNic] = useState(check.choice?.value);
  const titleId = `check-${check.id}`;
  return (
    <article className={`check-row status-${check.status}${focused ? ' focused' : ''}`} aria-labelledby={titleId} data-check={check.id}>
      <div className="check-head">
        <span className={`check-status status-${check.status}`}>{STATUS_TEXT[check.status]}</span>
        <h4 id={titleId}>{check.title}</h4>
        {check.fix && (
          <button className="primary" onClick={() => void useHostSetup.getState().openFix(check, nic ? { nic } : {})}>
            Fix
          </button>
        )}
      </div>
      <p className="check-summary">{check.summary}</p>
      <p className="hint">{check.explanation}</p>
      {check.fix && check.choice && (
        <label className="check-choice">
          {check.choice.label}
          <select value={nic} onChange={(e) => setNic(e.target.value)}>
            {check.choice.options.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </label>
      )}
      {check.manual && <p className="check-manual">By hand: {check.manual}</p>}
      {check.evidence.length > 0 && (
        <details className="check-evidence">
          <summary>Evidence</summary>
          <pre>{check.evidence.join('\n')}</pre>
        </details>
      )}
    </article>
  );
}
