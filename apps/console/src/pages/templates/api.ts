import { useQuery } from '@tanstack/react-query';
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
