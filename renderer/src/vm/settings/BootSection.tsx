import { useState } from 'react';
import { isUefi } from '../../../../shared/api/settings.js';
import { LOADERS } from '../../../../shared/validation.js';
import { useBackend } from '../../stores/host.js';
import { useGuestSettings, useSettings } from '../../stores/settings.js';
import { ConfirmDialog } from '../../ui/ConfirmDialog.js';
import { Field } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { ActionOutcomeNote, Check, Section } from './Section.js';

const LOADER_HINT: Record<(typeof LOADERS)[number], string> = {
  bhyveload: 'FreeBSD guests: loads the kernel from disk0',
  grub: 'Linux with grub-bhyve',
  uefi: 'UEFI firmware: any modern OS, needed for a framebuffer',
  'uefi-csm': 'UEFI with legacy BIOS support (firmware no longer in ports)',
  'uefi-custom': 'your own firmware in .config/BHYVE_UEFI.fd',
  'uefi-devel': 'the development firmware',
};

export function BootSection({ name, form, view, pending, running }: SectionProps) {
  const { register, watch, setValue } = form;
  const uefi = isUefi(watch('loader'));
  const media = watch('installMedia');
  const [confirmReset, setConfirmReset] = useState(false);
  const { action } = useGuestSettings(name);
  const hints = useBackend(view.backend)?.hints;
  return (
    <Section name={name} id="boot" hint={hints?.boot}>
      <Field id={`set-${name}-loader`} label="Loader" error={errorOf(form, 'loader')} pending={pending('loader')}>
        {(aria) => (
          <select {...aria} {...register('loader')}>
            {LOADERS.map((loader) => (
              <option key={loader} value={loader}>
                {loader} — {LOADER_HINT[loader]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Check
        id={`set-${name}-uefi-vars`}
        label="Keep UEFI variables"
        hint={uefi ? "A copy of the firmware's variable store per guest (uefi_vars), so boot entries survive." : 'Used only with a UEFI loader.'}
        pending={pending('uefiVars')}
      >
        {(id) => <input id={id} type="checkbox" {...register('uefiVars')} />}
      </Check>
      {hints && !hints.noUefiVars && (
        <div className="inline-action">
          <button type="button" disabled={running} title={running ? `Stop ${name} first` : undefined} onClick={() => setConfirmReset(true)}>
            Reset UEFI variables
          </button>
          <span className="hint">The store is moved aside, not deleted; the next start copies the template again.</span>
        </div>
      )}
      {action?.kind === 'uefi' && <ActionOutcomeNote outcome={action} />}
      <Field id={`set-${name}-media`} label="Install media" hint="An ISO on the host, attached as a CD-ROM; Eject when the install is done." error={errorOf(form, 'installMedia')} pending={pending('installMedia')}>
        {(aria) => (
          <div className="input-with-button">
            <input {...aria} placeholder="/path/to/installer.iso" spellCheck={false} {...register('installMedia')} />
            <button type="button" disabled={!media} onClick={() => setValue('installMedia', '', { shouldDirty: true, shouldValidate: true })}>
              Eject
            </button>
          </div>
        )}
      </Field>
      {confirmReset && (
        <ConfirmDialog
          title={`Reset ${name}'s UEFI variables?`}
          body="Boot entries and firmware settings go back to the template's at the next start. The current store is kept in the guest's .hivedesk folder."
          confirmLabel="Reset UEFI variables"
          onCancel={() => setConfirmReset(false)}
          onConfirm={() => {
            setConfirmReset(false);
            void useSettings.getState().resetUefiVars(name);
          }}
        />
      )}
    </Section>
  );
}
