import { useEffect } from 'react';
import { useFieldArray } from 'react-hook-form';
import { NIC_MODELS } from '../../../../shared/validation.js';
import { useBackend } from '../../stores/host.js';
import { useGuestSettings, useSettings } from '../../stores/settings.js';
import { Field, PendingMark } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { ActionOutcomeNote, Section } from './Section.js';
import { SwitchField } from './SwitchField.js';

export function NetworkSection({ name, form, view, pending }: SectionProps) {
  const { register, setValue, watch } = form;
  const { fields, append, remove } = useFieldArray({ control: form.control, name: 'networks' });
  const nics = watch('networks');
  const { action } = useGuestSettings(name);
  const hint = useBackend(view.backend)?.hints.network;
  useEffect(() => void useSettings.getState().loadSwitches(), []);
  const regenerate = async (i: number) => {
    const mac = await useSettings.getState().newMac(name);
    if (mac) setValue(`networks.${i}.mac`, mac, { shouldDirty: true, shouldValidate: true });
  };
  return (
    <Section name={name} id="network" hint={hint}>
      {pending('networks') && <PendingMark title="The network interfaces changed since the guest booted" />}
      <ol className="device-list">
        {fields.map((field, i) => {
          const id = (part: string) => `set-${name}-nic${i}-${part}`;
          const err = (part: string) => errorOf(form, `networks.${i}.${part}`);
          const existing = nics[i]?.from !== undefined;
          return (
            <li key={field.id}>
              <fieldset className="device">
                <legend>network{i}</legend>
                <div className="field-row">
                  <Field id={id('type')} label="Model" error={err('type')}>
                    {(aria) => (
                      <select {...aria} {...register(`networks.${i}.type`)}>
                        {NIC_MODELS.map((m) => (
                          <option key={m}>{m}</option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <SwitchField id={id('switch')} form={form} nic={i} backend={view.backend} />
                </div>
                <Field id={id('mac')} label="MAC address" hint="Kept, so the guest keeps its address; empty: made at the next start." error={err('mac')}>
                  {(aria) => (
                    <div className="input-with-button">
                      <input {...aria} spellCheck={false} {...register(`networks.${i}.mac`)} />
                      <button type="button" onClick={() => void regenerate(i)}>
                        Regenerate MAC
                      </button>
                    </div>
                  )}
                </Field>
                <div className="device-actions">
                  <button type="button" onClick={() => remove(i)}>
                    {existing ? `Remove network${i}` : 'Remove'}
                  </button>
                </div>
              </fieldset>
            </li>
          );
        })}
      </ol>
      {action?.kind === 'mac' && <ActionOutcomeNote outcome={action} />}
      <div className="inline-action">
        <button type="button" onClick={() => append({ type: nics.at(-1)?.type ?? 'virtio-net', switch: nics.at(-1)?.switch ?? 'public', mac: '' })}>
          Add network interface
        </button>
      </div>
    </Section>
  );
}
