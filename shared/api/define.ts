import type { z } from 'zod';

export interface RequestDef<I extends z.ZodType, O extends z.ZodType> {
  readonly input: I;
  readonly output: O;
}

export function request<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): RequestDef<I, O> {
  return { input, output };
}
