/** The languages of everything a client sees. */
export enum Locale {
  Ru = 'ru',
  En = 'en',
}
