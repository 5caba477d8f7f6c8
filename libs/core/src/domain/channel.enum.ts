export enum Channel {
  Email = 'email',
  Sms = 'sms',
  Call = 'call',
  Letter = 'letter',
}

export const CHANNELS: readonly Channel[] = [Channel.Email, Channel.Sms, Channel.Call, Channel.Letter];
