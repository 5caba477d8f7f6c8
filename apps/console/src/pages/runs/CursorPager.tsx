import { Button, Typography } from 'antd';
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
