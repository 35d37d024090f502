import type { UseFormRegisterReturn } from 'react-hook-form';
import { Field } from './Field.js';

interface Props {
  /** Prefix of the inputs' ids, so the wizard and a VM's settings can both be on screen. */
  idPrefix: string;
  register: (field: 'cpus' | 'memory') => UseFormRegisterReturn;
  errors: { cpus?: string | undefined; memory?: string | undefined };
  pending?: { cpus?: boolean; memory?: boolean };
}

/** CPUs and Memory, as the New VM wizard and the Settings form both ask them (the same schema checks both). */
export function CpuMemoryFields({ idPrefix, register, errors, pending = {} }: Props) {
  return (
    <>
      <Field id={`${idPrefix}-cpus`} label="CPUs" hint="Virtual CPUs, 1 to 64." error={errors.cpus} pending={!!pending.cpus}>
        {(aria) => <input {...aria} inputMode="numeric" {...register('cpus')} />}
      </Field>
      <Field id={`${idPrefix}-memory`} label="Memory" hint="For example 512M or 2G." error={errors.memory} pending={!!pending.memory}>
        {(aria) => <input {...aria} {...register('memory')} />}
      </Field>
    </>
  );
}
