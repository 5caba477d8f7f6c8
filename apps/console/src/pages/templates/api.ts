import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Channel, Locale } from '../../api/types';

export type Template = Schemas['TemplateDto'];
export type TemplateProblem = Schemas['TemplateProblemDto'];
export type TemplateVariables = Schemas['TemplateVariablesDto'];
export type SmsPreview = Schemas['TemplateSmsPreviewDto'];
export type Preview = Schemas['TemplatePreviewDto'];

export const TEMPLATE_LOCALES: Locale[] = ['ru', 'en'];

export const canWriteTemplates = (role: string | undefined) => role === 'admin' || role === 'marketer';

export function useTemplates(query: { channel?: Channel; name?: string }, enabled = true) {
  return useQuery({
    queryKey: ['templates', 'list', query],
    enabled,
    queryFn: () =>
      unwrap<{ items: Template[] }>(api.GET('/api/v1/templates', { params: { query } })),
  });
}

/** A problem in the person's language where its kind is known (an unknown variable), else as the API says it. */
export function problemText(t: TFunction, p: TemplateProblem): string {
  if (!p.variable) return p.message;
  const available = /available: (.*)$/.exec(p.message)?.[1];
  return available
    ? t('templates.unknownVariable', { variable: p.variable, available })
    : t('templates.unknownVariableShort', { variable: p.variable });
}
