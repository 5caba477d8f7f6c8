import dayjs from 'dayjs';
import localizedFormat from 'dayjs/plugin/localizedFormat';

dayjs.extend(localizedFormat);

export const formatDateTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format('L LT') : '—');
export const formatDate = (iso: string | null | undefined) => (iso ? dayjs(iso).format('L') : '—');
export const formatNumber = (n: number, locale: string) => new Intl.NumberFormat(locale).format(n);
export const formatMoney = (amount: number, currency: string | null, locale: string) =>
  currency
    ? new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 }).format(amount)
    : formatNumber(amount, locale);
