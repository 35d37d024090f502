import { useState } from 'react';
import { useFieldArray } from 'react-hook-form';
import type { PlannedCommand } from '../../../../shared/api/vms.js';
import { quoteArgv } from '../../../../shared/shell-words.js';
import { DISK_BACKINGS, DISK_EMULATIONS, formatBytes } from '../../../../shared/validation.js';
import { useGuestSettings, useSettings } from '../../stores/settings.js';
import { Field, PendingMark } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { ActionOutcomeNote, Section } from './Section.js';

const BACKING_HINT: Record<(typeof DISK_BACKINGS)[number], string> = {
  file: 'a file in the guest directory',
  zvol: 'a ZFS volume',
  'sparse-zvol': 'a thin ZFS volume',
  custom: 'a path you give',
};

export function DisksSection(props: SectionProps) {
  const { name, form, pending } = props;
  const { fields, append, remove, move } = useFieldArray({ control: form.control, name: 'disks' });
  const disks = form.watch('disks');
  const moved = disks.some((d, i) => d.from !== undefined && d.from !== i);
  const add = (size: string) => {
    const taken = new Set(disks.map((d) => d.name));
    let n = disks.length;
    while (taken.has(`disk${n}.img`)) n += 1;
    append({ type: disks.at(-1)?.type ?? 'virtio-blk', dev: 'file', name: size ? `disk${n}.img` : '', opts: '', size });
  };
  return (
    <Section name={name} id="disks" hint="disk0 is the boot disk. Detaching keeps the file; a new disk is made when you save.">
      {pending('disks') && <PendingMark title="The disks changed since the guest booted" />}
      {errorOf(form, 'disks') && <p className="field-error" role="alert">{errorOf(form, 'disks')}</p>}
      {moved && (
        <p className="warning" role="note">
          The disks are in a new order: the guest will see them at new device addresses, so its OS may name them differently (and disk0 is what boots).
        </p>
      )}
      <ol className="device-list">
        {fields.map((field, i) => (
          <DiskRow key={field.id} {...props} index={i} count={fields.length} onMove={(to) => move(i, to)} onRemove={() => remove(i)} />
        ))}
      </ol>
      <div className="inline-action">
        <button type="button" onClick={() => add('10G')}>
          Add new disk
        </button>
        <button type="button" onClick={() => add('')}>
          Attach existing disk
        </button>
      </div>
    </Section>
  );
}

interface RowProps extends SectionProps {
  index: number;
  count: number;
  onMove: (to: number) => void;
  onRemove: () => void;
}

function DiskRow({ name, form, view, running, index, count, onMove, onRemove }: RowProps) {
  const { register, watch } = form;
  const disk = watch(`disks.${index}`);
  const existing = disk.from !== undefined ? view.disks[disk.from] : undefined;
  const isNew = disk.from === undefined && disk.size !== undefined && disk.size !== '';
  const { action } = useGuestSettings(name);
  const label = `disk${index}`;
  const id = (part: string) => `set-${name}-disk${index}-${part}`;
  const err = (part: string) => errorOf(form, `disks.${index}.${part}`);
  return (
    <li>
      <fieldset className="device">
        <legend>
          {label}
          {index === 0 && <span className="tag">boot</span>}
          <span className="device-state">{existing ? `${existing.path}${existing.bytes !== undefined ? ` · ${formatBytes(existing.bytes)}` : ''}` : isNew ? 'new: made when you save' : 'attach an existing disk'}</span>
        </legend>
        <div className="field-row">
          <Field id={id('type')} label="Emulation" error={err('type')}>
            {(aria) => (
              <select {...aria} {...register(`disks.${index}.type`)}>
                {DISK_EMULATIONS.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id={id('dev')} label="Backing" error={err('dev')}>
            {(aria) =>
              // An attached disk stays what it is; a disabled input would drop its value from the form.
              existing ? (
                <input {...aria} readOnly {...register(`disks.${index}.dev`)} />
              ) : (
                <select {...aria} {...register(`disks.${index}.dev`)}>
                  {DISK_BACKINGS.map((b) => (
                    <option key={b} value={b}>
                      {b} ({BACKING_HINT[b]})
                    </option>
                  ))}
                </select>
              )
            }
          </Field>
        </div>
        <div className="field-row">
          <Field id={id('name')} label={disk.dev === 'custom' ? 'Path' : 'Name'} error={err('name')}>
            {(aria) => <input {...aria} readOnly={!!existing} spellCheck={false} {...register(`disks.${index}.name`)} />}
          </Field>
          <Field id={id('opts')} label="Options" hint="e.g. nocache,direct" error={err('opts')}>
            {(aria) => <input {...aria} spellCheck={false} {...register(`disks.${index}.opts`)} />}
          </Field>
          {disk.from === undefined && disk.dev !== 'custom' && (
            <Field id={id('size')} label="Size" hint="Empty: attach what is there." error={err('size')}>
              {(aria) => <input {...aria} {...register(`disks.${index}.size`)} />}
            </Field>
          )}
        </div>
        <div className="device-actions">
          <button type="button" disabled={index === 0} aria-label={`Move ${label} up`} onClick={() => onMove(index - 1)}>
            ↑ Up
          </button>
          <button type="button" disabled={index === count - 1} aria-label={`Move ${label} down`} onClick={() => onMove(index + 1)}>
            ↓ Down
          </button>
          <button type="button" onClick={onRemove} title={existing ? `The file stays at ${existing.path}` : undefined}>
            {existing ? 'Detach' : 'Remove'}
          </button>
          {existing && disk.from !== undefined && disk.dev !== 'custom' && <Grow name={name} disk={disk.from} running={running} />}
        </div>
        {action?.kind === 'grow' && action.disk === disk.from && <ActionOutcomeNote outcome={action} />}
      </fieldset>
    </li>
  );
}

/** Grow: the size, the exact command, then a second click; never while the guest runs. */
function Grow({ name, disk, running }: { name: string; disk: number; running: boolean }) {
  const [open, setOpen] = useState(false);
  const [size, setSize] = useState('');
  const [plan, setPlan] = useState<PlannedCommand[]>();
  const store = useSettings.getState();
  if (!open) {
    return (
      <button type="button" disabled={running} title={running ? `Stop ${name} to grow its disks` : 'Make this disk bigger (never smaller)'} onClick={() => setOpen(true)}>
        Grow…
      </button>
    );
  }
  const id = `grow-${name}-${disk}`;
  return (
    <div className="grow">
      <label htmlFor={id}>New size</label>
      <input id={id} value={size} placeholder="e.g. 40G" onChange={(e) => (setSize(e.target.value), setPlan(undefined))} />
      {plan ? (
        <>
          <code>{plan.map((c) => quoteArgv(c.argv)).join('\n')}</code>
          <button type="button" className="primary" onClick={() => void store.grow(name, disk, size).then((ok) => ok && setOpen(false))}>
            Grow
          </button>
        </>
      ) : (
        <button type="button" onClick={() => void store.planGrow(name, disk, size).then(setPlan)}>
          Show command
        </button>
      )}
      <button type="button" onClick={() => (setOpen(false), setPlan(undefined))}>
        Cancel
      </button>
    </div>
  );
}
