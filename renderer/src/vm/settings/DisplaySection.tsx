import { isUefi } from '../../../../shared/api/settings.js';
import { useBackend } from '../../stores/host.js';
import { Field } from '../../ui/Field.js';
import { errorOf, type SectionProps } from './form.js';
import { Check, Section } from './Section.js';

const RESOLUTIONS = ['800x600', '1024x768', '1280x720', '1280x1024', '1600x900', '1920x1080', '1920x1200'];

export function DisplaySection({ name, form, view, pending }: SectionProps) {
  const { register, watch } = form;
  const on = watch('graphics.enabled');
  const uefi = isUefi(watch('loader'));
  const id = (part: string) => `set-${name}-gfx-${part}`;
  const hints = useBackend(view.backend)?.hints;
  return (
    <Section name={name} id="display" hint={hints?.display}>
      <Check id={id('on')} label="Framebuffer" hint={uefi ? undefined : hints?.framebuffer} pending={pending('graphics.enabled')}>
        {(checkId) => <input id={checkId} type="checkbox" aria-invalid={!!errorOf(form, 'graphics.enabled')} {...register('graphics.enabled')} />}
      </Check>
      {errorOf(form, 'graphics.enabled') && <p className="field-error" role="alert">{errorOf(form, 'graphics.enabled')}</p>}
      <div className={on ? 'subfields' : 'subfields off'}>
        <div className="field-row">
          <Field id={id('listen')} label="Listen address" hint="127.0.0.1: this host only (tunnel it); 0.0.0.0: every network." error={errorOf(form, 'graphics.listen')} pending={pending('graphics.listen')}>
            {(aria) => <input {...aria} spellCheck={false} {...register('graphics.listen')} />}
          </Field>
          <Field id={id('port')} label="Port" hint="auto: the first free from 5900." error={errorOf(form, 'graphics.port')} pending={pending('graphics.port')}>
            {(aria) => <input {...aria} {...register('graphics.port')} />}
          </Field>
          <Field id={id('res')} label="Resolution" error={errorOf(form, 'graphics.resolution')} pending={pending('graphics.resolution')}>
            {(aria) => (
              <>
                <input {...aria} list={id('res-list')} {...register('graphics.resolution')} />
                <datalist id={id('res-list')}>
                  {RESOLUTIONS.map((r) => (
                    <option key={r} value={r} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        </div>
        <Field id={id('wait')} label="Wait for viewer" hint="Hold the guest's start until a VNC viewer connects; auto: only while installing." pending={pending('graphics.wait')}>
          {(aria) => (
            <select {...aria} {...register('graphics.wait')}>
              <option value="auto">auto</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </select>
          )}
        </Field>
      </div>
      <Check id={id('tablet')} label="USB tablet" hint="An absolute pointer (xhci_mouse), so the mouse follows the viewer's." pending={pending('graphics.tablet')}>
        {(checkId) => <input id={checkId} type="checkbox" {...register('graphics.tablet')} />}
      </Check>
    </Section>
  );
}
