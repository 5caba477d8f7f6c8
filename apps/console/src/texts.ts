import { useTranslation } from 'react-i18next';

/** A delivery reason in words, in the person's language. */
export function useReasonText(): (reason: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (reason) => {
    if (!reason) return t('common.none');
    return i18n.exists(`reason.${reason}`) ? t(`reason.${reason}`) : t('reason.unknown', { reason });
  };
}

/** A consent-log item, value and source in words ("channel.sms" → "Channel: SMS"). */
export function useConsentText() {
  const { t, i18n } = useTranslation();
  const item = (key: string): string => {
    const [head, rest] = [key.split('.')[0], key.split('.').slice(1).join('.')];
    if (head === 'channel' && rest)
      return `${t('consentItem.channel')}: ${t(`channel.${rest}`, { defaultValue: rest })}`;
    if (head === 'topic' && rest) return `${t('consentItem.topic')}: ${rest}`;
    if (head === 'consent' && rest)
      return `${t('consent.item')}: ${t(`channel.${rest}`, { defaultValue: rest })}`;
    return i18n.exists(`consentItem.${key}`) ? t(`consentItem.${key}`) : key;
  };
  const value = (key: string, v: unknown): string => {
    if (v === null || v === undefined) return t('common.none');
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (key === 'frequency' && typeof v === 'string') return t(`frequency.${v}`, { defaultValue: v });
    if (key === 'preferredChannel' && typeof v === 'string') return t(`channel.${v}`, { defaultValue: v });
    if (typeof v === 'object' && v && 'start' in v && 'end' in v) {
      const q = v as { start: unknown; end: unknown };
      return `${String(q.start)}–${String(q.end)}`;
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const source = (s: string): string => t(`consentSource.${s}`, { defaultValue: s });
  return { item, value, source };
}
