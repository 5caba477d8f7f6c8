import { Button, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** "Page n", previous and next over a cursor-paged list. */
export function CursorPager({
  label,
  page,
  onPrevious,
  onNext,
}: {
  label: string;
  page: number;
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
}) {
  const { t } = useTranslation();
  return (
    <nav className="tb-pager" aria-label={label}>
      <Typography.Text type="secondary">{t('common.page', { n: page })}</Typography.Text>
      <Button disabled={!onPrevious} onClick={() => onPrevious?.()}>
        {t('common.previous')}
      </Button>
      <Button disabled={!onNext} onClick={() => onNext?.()}>
        {t('common.next')}
      </Button>
    </nav>
  );
}

/**
 * The pages of a cursor-paged list seen so far: the current cursor, its number, and moving back (the
 * last cursor dropped) or on (the answer's `nextCursor` added); null where there is nowhere to go.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    reset: () => setCursors([undefined]),
    previous: cursors.length > 1 ? () => setCursors((c) => c.slice(0, -1)) : null,
    next: (nextCursor: string | null | undefined) =>
      nextCursor ? () => setCursors((c) => [...c, nextCursor]) : null,
  };
}
