import { useEffect, useState } from 'react';
import type { ApiError } from '../../../../shared/api/errors.js';
import type { LifecycleAction, LifecyclePlan } from '../../../../shared/api/lifecycle.js';
import { useLifecycle } from '../../stores/lifecycle.js';

/**
 * What `action` would run, asked of main a moment after it last changed (a name being typed);
 * nothing while `action` is undefined (the form is not valid yet). A stale answer is dropped.
 */
export function usePlan(action: LifecycleAction | undefined): { plan?: LifecyclePlan; error?: ApiError } {
  const key = action ? JSON.stringify(action) : '';
  const [answer, setAnswer] = useState<{ key: string; plan?: LifecyclePlan; error?: ApiError }>({ key: '' });
  useEffect(() => {
    if (!key) return;
    let live = true;
    const timer = setTimeout(() => {
      void useLifecycle
        .getState()
        .plan(JSON.parse(key) as LifecycleAction)
        .then((result) => live && setAnswer(result.ok ? { key, plan: result.plan } : { key, error: result.error }));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return answer.key === key ? answer : {};
}
