import { CpuMemoryFields } from '../../ui/CpuMemoryFields.js';
import { Field } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { Section } from './Section.js';

const PARTS = [
  ['sockets', 'Sockets'],
  ['cores', 'Cores'],
  ['threads', 'Threads'],
] as const;

export function CpuMemorySection({ name, form, pending }: SectionProps) {
  const { register } = form;
  return (
    <Section name={name} id="cpu">
      <div className="field-row">
        <CpuMemoryFields
          idPrefix={`set-${name}`}
          register={(field) => register(field)}
          errors={{ cpus: errorOf(form, 'cpus'), memory: errorOf(form, 'memory') }}
          pending={{ cpus: pending('cpus'), memory: pending('memory') }}
        />
      </div>
      <fieldset className="topology">
        <legend>Topology (optional)</legend>
        <p className="hint">Sockets × cores × threads must make the number of CPUs; leave all three empty for bhyve's default (one socket per CPU).</p>
        <div className="field-row">
          {PARTS.map(([field, label]) => (
            <Field key={field} id={`set-${name}-${field}`} label={label} error={errorOf(form, field)} pending={pending(field)}>
              {(aria) => <input {...aria} inputMode="numeric" {...register(field)} />}
            </Field>
          ))}
        </div>
      </fieldset>
    </Section>
  );
}
