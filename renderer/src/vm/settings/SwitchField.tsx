import type { BackendId } from '../../../../shared/api/vms.js';
import { useBackend } from '../../stores/host.js';
import { useSettings } from '../../stores/settings.js';
import { Field } from '../../ui/Field.js';
import { errorOf, type SettingsFormApi } from './form.js';

/**
 * A NIC's switch, picked from the datastore's switches (vm-bhyve's switch_list) or typed: a new name
 * stays possible, and the hint says at once what a name that is none of them does on this backend.
 */
export function SwitchField({ id, form, nic, backend }: { id: string; form: SettingsFormApi; nic: number; backend: BackendId }) {
  const switches = useSettings((s) => s.switches);
  const unknown = useBackend(backend)?.hints.unknownSwitch;
  const value = form.watch(`networks.${nic}.switch`).trim();
  const known = value === '' || switches.some((sw) => sw.name === value);
  const offered = switches.length ? `this datastore’s switches are ${switches.map((sw) => sw.name).join(', ')}` : 'this datastore defines none';
  const hint = known ? 'Empty: not on a switch.' : `“${value}” is not a switch of .config/system.conf (${offered}). ${unknown ?? ''}`.trim();
  const listId = `${id}-choices`;
  return (
    <Field id={id} label="Switch" hint={hint} error={errorOf(form, `networks.${nic}.switch`)}>
      {(aria) => (
        <>
          <input {...aria} list={listId} spellCheck={false} {...form.register(`networks.${nic}.switch`)} />
          <datalist id={listId}>
            {switches.map((sw) => (
              <option key={sw.name} value={sw.name}>{`${sw.type} switch`}</option>
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}
