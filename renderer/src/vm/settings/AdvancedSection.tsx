import { HOSTBRIDGES } from '../../../../shared/validation.js';
import { Field } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { Check, Section } from './Section.js';

export function AdvancedSection({ name, form, view, pending }: SectionProps) {
  const { register, watch } = form;
  const options = (watch('bhyveOptions') ?? '').split(' ').filter(Boolean);
  const id = (part: string) => `set-${name}-${part}`;
  return (
    <Section name={name} id="advanced">
      <Field id={id('bhyve-options')} label="Extra bhyve options" hint="Added to bhyve's options as vm-bhyve adds bhyve_options, split on spaces." error={errorOf(form, 'bhyveOptions')} pending={pending('bhyveOptions')}>
        {(aria) => <input {...aria} spellCheck={false} placeholder="-o key=value" {...register('bhyveOptions')} />}
      </Field>
      <p className="hint argv-words" aria-label="Arguments they add">
        {options.length ? (
          <>
            bhyve gets {options.length} argument{options.length > 1 ? 's' : ''}:{' '}
            {options.map((word, i) => (
              <code key={i}>{word}</code>
            ))}
          </>
        ) : (
          'No extra arguments.'
        )}
      </p>
      <Check id={id('utc')} label="Clock in UTC" hint="Off for Windows, which keeps local time in the RTC (utctime)." pending={pending('utcTime')}>
        {(checkId) => <input id={checkId} type="checkbox" {...register('utcTime')} />}
      </Check>
      <Check id={id('wired')} label="Wire the guest's RAM" hint="All of it stays in RAM, never swapped (wired_memory; passthrough needs it)." pending={pending('wiredMemory')}>
        {(checkId) => <input id={checkId} type="checkbox" {...register('wiredMemory')} />}
      </Check>
      <Field id={id('hostbridge')} label="Host bridge" hint="The PCI host bridge at slot 0; amd for guests that want AMD's." pending={pending('hostbridge')}>
        {(aria) => (
          <select {...aria} {...register('hostbridge')}>
            {HOSTBRIDGES.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        )}
      </Field>
      <h4>Other keys in {name}.conf</h4>
      {view.otherKeys.length ? (
        <>
          <p className="hint">Not edited here; every save keeps them exactly as they are.</p>
          <dl className="other-keys">
            {view.otherKeys.map(({ key, value }) => (
              <div key={key}>
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>
                  <code>{value}</code>
                </dd>
              </div>
            ))}
          </dl>
        </>
      ) : (
        <p className="hint">None.</p>
      )}
    </Section>
  );
}
