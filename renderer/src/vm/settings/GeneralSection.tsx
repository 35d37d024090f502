import { Field } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { Section } from './Section.js';

export function GeneralSection({ name, form, pending }: SectionProps) {
  const { register } = form;
  return (
    <Section name={name} id="general">
      <Field id={`set-${name}-name`} label="Name" hint="The directory, the .conf and the bhyve device are named after it; rename is an action of its own.">
        {(aria) => <input {...aria} value={name} readOnly />}
      </Field>
      <Field id={`set-${name}-description`} label="Description" hint="Kept as hivedesk_description, which vm-bhyve ignores." error={errorOf(form, 'description')} pending={pending('description')}>
        {(aria) => <input {...aria} {...register('description')} />}
      </Field>
      <Field id={`set-${name}-tags`} label="Tags" hint="Words separated by spaces (vm-bhyve's tags)." error={errorOf(form, 'tags')} pending={pending('tags')}>
        {(aria) => <input {...aria} spellCheck={false} {...register('tags')} />}
      </Field>
    </Section>
  );
}
