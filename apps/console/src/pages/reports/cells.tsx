import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { EmptyText } from '../../components/EmptyText';
import { formatDate, formatNumber } from '../../format';
import { useReasonText } from '../../texts';
import type { ColumnKind, ReportRow } from './definitions';

/** A share (0.4567) as a percentage in the person's language (45,7 %). */
export const formatShare = (value: number, locale: string) =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);

/** Cells in words: each kind of value as text (for charts and labels) and as a node (for tables). */
export function useCells() {
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const locale = i18n.language;
  const word = (prefix: string, value: string) =>
    i18n.exists(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : value;

  const text = (kind: ColumnKind, value: unknown, row: ReportRow = {}): string => {
    if (kind === 'owner') return value ? String(value) : t('reports.noOwner');
    if (kind === 'category') return value ? String(value) : t('reports.noCategory');
    if (value === null || value === undefined || value === '') {
      return kind === 'date' ? t('reports.never') : t('common.none');
    }
    switch (kind) {
      case 'int':
        return formatNumber(Number(value), locale);
      case 'share':
        return formatShare(Number(value), locale);
      case 'date':
        return formatDate(String(value));
      case 'channel':
        return word('channel', String(value));
      case 'stage':
        return word('stage', String(value));
      case 'reason':
        return reasonText(String(value));
      case 'outcome':
        return word('reports.outcome', String(value));
      case 'problem':
        return word('reports.problem', String(value));
      case 'callStatus':
        return word('reports.callStatus', String(value));
      case 'problems': {
        const list = Array.isArray(value) ? value : String(value).split(/[;,]\s*/);
        return list.map((p) => word('reports.problem', String(p))).join('; ');
      }
      case 'ceoReason': {
        const reason = String(value);
        // The detail is a delivery reason when the console knows it (in words), else the API's code.
        const code = row.detail ? String(row.detail) : null;
        const detail = !code
          ? t('reports.ceoReason.noDetail')
          : i18n.exists(`reason.${code}`)
            ? t(`reason.${code}`)
            : code;
        return i18n.exists(`reports.ceoReason.${reason}`)
          ? t(`reports.ceoReason.${reason}`, { detail })
          : reasonText(reason);
      }
      default:
        return String(value);
    }
  };

  const node = (kind: ColumnKind, value: unknown, row: ReportRow): ReactNode => {
    if (kind === 'client' && row.clientId) {
      return <Link to={`/clients/${String(row.clientId)}`}>{String(value ?? row.clientId)}</Link>;
    }
    if (kind === 'campaign' && !value) return <EmptyText>{t('common.none')}</EmptyText>;
    if ((value === null || value === undefined || value === '') && kind !== 'owner' && kind !== 'category') {
      return <EmptyText>{text(kind, value, row)}</EmptyText>;
    }
    return text(kind, value, row);
  };

  return { text, node };
}
