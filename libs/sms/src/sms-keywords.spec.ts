import { parseSmsKeyword } from './sms-keywords';

describe('parseSmsKeyword', () => {
  it("knows Twilio's opt-out keywords, in any case, trimmed", () => {
    for (const w of [
      'STOP',
      'stop',
      ' Stop ',
      'STOPALL',
      'unsubscribe',
      'CANCEL',
      'end',
      'QUIT',
      'revoke',
      'OPTOUT',
    ]) {
      expect(parseSmsKeyword(w)).toBe('stop');
    }
  });

  it("knows Twilio's opt-in keywords", () => {
    for (const w of ['START', 'yes', 'Unstop', '\nstart\n']) expect(parseSmsKeyword(w)).toBe('start');
  });

  it('knows the Russian keywords', () => {
    expect(parseSmsKeyword('СТОП')).toBe('stop');
    expect(parseSmsKeyword('стоп')).toBe('stop');
    expect(parseSmsKeyword('Отписаться')).toBe('stop');
    expect(parseSmsKeyword(' старт! ')).toBe('start');
  });

  it('ignores punctuation around the word, but not other words', () => {
    expect(parseSmsKeyword('Stop.')).toBe('stop');
    expect(parseSmsKeyword('«СТОП»')).toBe('stop');
    expect(parseSmsKeyword('stop sending me this')).toBeNull();
    expect(parseSmsKeyword('Спасибо, всё получил')).toBeNull();
    expect(parseSmsKeyword('HELP')).toBeNull();
    expect(parseSmsKeyword('')).toBeNull();
  });

  it("takes Twilio's OptOutType when it is there", () => {
    expect(parseSmsKeyword('arrêt', 'STOP')).toBe('stop');
    expect(parseSmsKeyword('whatever', 'START')).toBe('start');
    expect(parseSmsKeyword('info', 'HELP')).toBeNull();
  });
});
