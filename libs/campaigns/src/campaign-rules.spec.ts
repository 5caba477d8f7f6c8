import { Channel } from '@touchbase/core';
import { CampaignKind, Priority } from './campaign.enums';
import {
  applyKindDefaults,
  campaignShapeProblems,
  CampaignShape,
  needsSigner,
  usedChannels,
} from './campaign-rules';

const shape = (overrides: Partial<CampaignShape> = {}): CampaignShape => ({
  kind: CampaignKind.Broadcast,
  topicKey: 'news',
  channels: [Channel.Email],
  channelRules: [],
  templates: { email: 'monthly-broadcast' },
  priority: Priority.Normal,
  schedule: { type: 'monthly', day: 1, time: '10:00' },
  timeZone: 'Europe/Moscow',
  signerId: null,
  holdoutShare: 0,
  ...overrides,
});
const fields = (s: CampaignShape) =>
  Object.fromEntries(campaignShapeProblems(s).map((p) => [p.field, p.messages.join(' | ')]));

describe('campaign rules', () => {
  it('a valid campaign has no problems', () => {
    expect(campaignShapeProblems(shape())).toEqual([]);
  });

  it('kind defaults fill only what is not given', () => {
    expect(applyKindDefaults({ kind: CampaignKind.CeoLetter })).toEqual({
      kind: CampaignKind.CeoLetter,
      topicKey: 'company-letters',
      priority: Priority.MustSend,
    });
    expect(applyKindDefaults({ kind: CampaignKind.CeoLetter, priority: Priority.Normal })).toMatchObject({
      priority: Priority.Normal,
    });
    expect(applyKindDefaults({ kind: CampaignKind.Service })).toEqual({
      kind: CampaignKind.Service,
      topicKey: 'service',
    });
    expect(applyKindDefaults({ kind: CampaignKind.Plan })).toEqual({ kind: CampaignKind.Plan });
  });

  it('ceo-letter: must-send about company-letters', () => {
    const letter = shape({
      kind: CampaignKind.CeoLetter,
      topicKey: 'company-letters',
      priority: Priority.MustSend,
    });
    expect(campaignShapeProblems(letter)).toEqual([]);
    expect(Object.keys(fields({ ...letter, priority: Priority.High }))).toEqual(['priority']);
    expect(Object.keys(fields({ ...letter, topicKey: 'news' }))).toEqual(['topicKey']);
  });

  it('service: topic service, and nobody else uses it', () => {
    expect(campaignShapeProblems(shape({ kind: CampaignKind.Service, topicKey: 'service' }))).toEqual([]);
    expect(fields(shape({ kind: CampaignKind.Service, topicKey: 'promotions' }))).toEqual({
      topicKey: expect.stringContaining('never promotional'),
    });
    expect(fields(shape({ topicKey: 'service' }))).toEqual({
      topicKey: expect.stringContaining('only for service'),
    });
    expect(fields(shape({ topicKey: undefined }))).toEqual({
      topicKey: 'topicKey is required for a broadcast campaign',
    });
  });

  it('channels used: the default list and the rules; letters need a signer', () => {
    const s = shape({ channelRules: [{ categories: ['VIP'], channels: [Channel.Letter, Channel.Email] }] });
    expect(usedChannels(s)).toEqual([Channel.Email, Channel.Letter]);
    expect(needsSigner(s)).toBe(true);
    expect(needsSigner(shape())).toBe(false);
    expect(needsSigner(shape({ kind: CampaignKind.CeoLetter }))).toBe(true);
  });

  it('templates: known channels the campaign uses, well-formed names', () => {
    expect(fields(shape({ templates: { email: 'x', sms: 'y' } }))).toEqual({
      'templates.sms': expect.stringContaining('not one of the campaign'),
    });
    expect(fields(shape({ templates: { fax: 'x' } as never }))).toEqual({
      'templates.fax': expect.stringContaining('not a channel'),
    });
    expect(fields(shape({ templates: { email: 'Big Name' } }))).toEqual({
      'templates.email': expect.stringContaining('lower-case'),
    });
    // A rule's channel may have a template.
    expect(
      campaignShapeProblems(
        shape({
          channelRules: [{ categories: ['A'], channels: [Channel.Sms] }],
          templates: { email: 'a', sms: 'b' },
        }),
      ),
    ).toEqual([]);
  });

  it('a category belongs to one rule', () => {
    const rules = [
      { categories: ['A', 'VIP'], channels: [Channel.Email] },
      { categories: ['B', 'VIP'], channels: [Channel.Email] },
    ];
    expect(fields(shape({ channelRules: rules }))).toEqual({
      'channelRules[1].categories': 'VIP is already in channelRules[0]',
    });
  });

  it('time zone and schedule', () => {
    expect(
      Object.keys(
        fields(shape({ timeZone: 'Europe/Atlantis', schedule: { type: 'monthly', day: 0, time: '10:00' } })),
      ),
    ).toEqual(['timeZone', 'schedule.day']);
  });
});
