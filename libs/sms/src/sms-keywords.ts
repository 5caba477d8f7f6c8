/** What an inbound SMS asks for, when it is one of the opt-out / opt-in keywords. */
export type SmsKeyword = 'stop' | 'start';

// Twilio's default opt-out and opt-in keywords, plus Russian ones for Russian-speaking clients.
const STOP_WORDS = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'СТОП',
  'ОТПИСАТЬСЯ',
  'ОТПИСКА',
];
const START_WORDS = ['START', 'YES', 'UNSTOP', 'СТАРТ'];

const KEYWORDS = new Map<string, SmsKeyword>([
  ...STOP_WORDS.map((w) => [w, 'stop'] as const),
  ...START_WORDS.map((w) => [w, 'start'] as const),
]);

/**
 * The keyword of a message that is exactly one keyword (as Twilio reads them): case-insensitive,
 * surrounding whitespace and punctuation ignored. "Stop sending me this" is not a keyword.
 * Twilio's `OptOutType` (Advanced Opt-Out) wins when present.
 */
export function parseSmsKeyword(body: string, optOutType?: string): SmsKeyword | null {
  const type = optOutType?.trim().toUpperCase();
  if (type === 'STOP') return 'stop';
  if (type === 'START') return 'start';
  const word = body
    .normalize('NFC')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .toUpperCase();
  return KEYWORDS.get(word) ?? null;
}
