import { WelchResult } from '@touchbase/core';

/** Below this many clients in either group the report says it is too early to tell. */
export const MIN_GROUP_CLIENTS = 30;

export enum HoldoutVerdict {
  TouchedMore = 'touched-more',
  NoDifference = 'no-difference',
  HeldOutMore = 'held-out-more',
  TooFew = 'too-few',
}

/** What the comparison says: a difference only when the whole confidence interval is on one side of 0. */
export function holdoutVerdict(touched: number, heldOut: number, result: WelchResult | null): HoldoutVerdict {
  if (!result || touched < MIN_GROUP_CLIENTS || heldOut < MIN_GROUP_CLIENTS) return HoldoutVerdict.TooFew;
  if (result.ciLow > 0) return HoldoutVerdict.TouchedMore;
  if (result.ciHigh < 0) return HoldoutVerdict.HeldOutMore;
  return HoldoutVerdict.NoDifference;
}

const money = (value: number, locale: 'ru' | 'en') =>
  value.toLocaleString(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
const signed = (value: number, locale: 'ru' | 'en') => `${value > 0 ? '+' : ''}${money(value, locale)}`;

/** The verdict in plain words, with the difference per client and its 95% confidence interval. */
export function holdoutVerdictText(
  verdict: HoldoutVerdict,
  locale: 'ru' | 'en',
  counts: { touched: number; heldOut: number },
  result: WelchResult | null,
): string {
  const ru = locale === 'ru';
  if (verdict === HoldoutVerdict.TooFew || !result) {
    return ru
      ? `слишком мало клиентов, чтобы судить: нужно хотя бы ${MIN_GROUP_CLIENTS} в каждой группе (с касанием ${counts.touched}, без касания ${counts.heldOut})`
      : `too few clients to tell: at least ${MIN_GROUP_CLIENTS} are needed in each group (touched ${counts.touched}, held out ${counts.heldOut})`;
  }
  const ci = ru
    ? `95% ДИ от ${signed(result.ciLow, locale)} до ${signed(result.ciHigh, locale)}`
    : `95% CI ${signed(result.ciLow, locale)} to ${signed(result.ciHigh, locale)}`;
  switch (verdict) {
    case HoldoutVerdict.TouchedMore:
      return ru
        ? `клиенты с касанием купили больше: ${signed(result.difference, locale)} на клиента (${ci})`
        : `touched clients bought more: ${signed(result.difference, locale)} per client (${ci})`;
    case HoldoutVerdict.HeldOutMore:
      return ru
        ? `клиенты без касания купили больше: ${money(-result.difference, locale)} на клиента больше (${ci})`
        : `held-out clients bought more: ${money(-result.difference, locale)} per client more (${ci})`;
    default:
      return ru
        ? `значимой разницы пока нет: ${signed(result.difference, locale)} на клиента (${ci})`
        : `no significant difference yet: ${signed(result.difference, locale)} per client (${ci})`;
  }
}
