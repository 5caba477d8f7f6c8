import { useTranslation } from 'react-i18next';

/** A delivery reason in words, in the person's language. */
export function useReasonText(): (reason: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (reason) => {
    if (!reason) return t('common.none');
    return i18n.exists(`reason.${reason}`) ? t(`reason.${reason}`) : t('reason.unknown', { reason });
  };
}
