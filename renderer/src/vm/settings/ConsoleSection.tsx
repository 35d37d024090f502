import { ConsolePort } from '../../../../shared/api/consoles.js';
import { useBackend } from '../../stores/host.js';
import { PendingMark } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { Section } from './Section.js';

export function ConsoleSection({ name, form, view, pending }: SectionProps) {
  const hint = useBackend(view.backend)?.hints.console;
  return (
    <Section name={name} id="console" hint={hint}>
      <fieldset className="plain">
        <legend className="visually-hidden">Serial ports</legend>
        <div className="check-row">
          {ConsolePort.options.map((port) => (
            <label key={port} className="check">
              <input type="checkbox" value={port} {...form.register('comports')} />
              {port}
            </label>
          ))}
          {pending('comports') && <PendingMark />}
        </div>
      </fieldset>
      {errorOf(form, 'comports') && <p className="field-error" role="alert">{errorOf(form, 'comports')}</p>}
    </Section>
  );
}
