import { Form, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';

/** The form shows the share as a percentage; the API takes a fraction. */
export const holdoutToForm = (share: number) => Math.round(share * 1000) / 10;
export const holdoutFromForm = (percent: number | null | undefined) => Math.round((percent ?? 0) * 10) / 1000;

/** Whether a campaign of this kind and priority may hold out a share of its audience. */
export const canHoldOut = (kind: string | undefined, priority: string | undefined) =>
  kind !== 'service' && kind !== 'ceo-letter' && priority !== 'must-send';

/** The wizard's holdout share (`holdoutShare`, in percent), or why the campaign cannot have one. */
export function HoldoutField({ kind, priority }: { kind?: string; priority?: string }) {
  const { t } = useTranslation();
  if (!canHoldOut(kind, priority)) {
    return (
      <Form.Item name="holdoutShare" hidden>
        <InputNumber />
      </Form.Item>
    );
  }
  return (
    <Form.Item
      name="holdoutShare"
      label={t('holdouts.field.label')}
      extra={t('holdouts.field.hint')}
      rules={[{ type: 'number', min: 0, max: 50, message: t('holdouts.field.range') }]}
    >
      <InputNumber min={0} max={50} step={1} precision={1} suffix="%" style={{ width: 160 }} />
    </Form.Item>
  );
}
