import type { UseFormRegisterReturn } from 'react-hook-form';
import type { BackendInfo } from '../../../../shared/api/backends.js';
import { Field } from '../../ui/Field.js';

/** The hypervisor a new guest runs on: the host's own first, the others when their tools are here (else why not). */
export function BackendChoice({ backends, register, error }: { backends: BackendInfo[]; register: UseFormRegisterReturn<'backend'>; error: string | undefined }) {
  if (backends.length === 0) return null;
  const ordered = [...backends].sort((a, b) => Number(b.default) - Number(a.default));
  const hint = backends
    .filter((b) => !b.available)
    .map((b) => `${b.label}: ${b.reason ?? 'not available here'}`)
    .join(' ');
  return (
    <Field id="vm-backend" label="Hypervisor" hint={hint || undefined} error={error}>
      {(aria) => (
        <select {...aria} {...register}>
          {ordered.map((b) => (
            <option key={b.id} value={b.id} disabled={!b.available && !b.default}>
              {b.label}
              {b.available ? '' : ' (not available here)'}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
