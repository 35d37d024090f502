import { useConsoles } from './stores/consoles.js';

/** Machines first, then one tab per open console: consoles are tabs, never extra windows. */
export function TabStrip() {
  const { tabs, active, show, close } = useConsoles();
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      <button role="tab" aria-selected={active === 'machines'} onClick={() => show('machines')}>
        Machines
      </button>
      {tabs.map((tab) => (
        <span key={tab.id} className="tab">
          <button role="tab" aria-selected={active === tab.id} aria-controls={`panel-${tab.id}`} onClick={() => show(tab.id)}>
            {tab.name} · {tab.port}
          </button>
          <button className="tab-close" aria-label={`Close console ${tab.name}`} title="Close this tab (the guest keeps running)" onClick={() => close(tab.id)}>
            ×
          </button>
        </span>
      ))}
    </nav>
  );
}
