import type { CreateVmForm } from '../../../../shared/api/vms.js';

export type FieldName = keyof CreateVmForm;

export const STEPS: { title: string; fields: FieldName[] }[] = [
  { title: 'Name and OS', fields: ['name', 'backend', 'profile'] },
  { title: 'Resources', fields: ['cpus', 'memory', 'diskSize'] },
  { title: 'Install media', fields: ['installMedia'] },
  { title: 'Summary', fields: [] },
];

/** The step that holds a field, so an error from main sends the user back to it. */
export function stepOf(field: string): number {
  const index = STEPS.findIndex((step) => step.fields.includes(field as FieldName));
  return index < 0 ? 0 : index;
}
