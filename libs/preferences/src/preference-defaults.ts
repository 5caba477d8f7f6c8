import { Frequency } from './frequency.enum';

/** Read by the database trigger that gives every new client its preferences row. */
export const PREFERENCE_DEFAULTS_KEY = 'preference-defaults';

export interface PreferenceDefaults {
  emailAllowed: boolean;
  smsAllowed: boolean;
  callAllowed: boolean;
  letterAllowed: boolean;
  frequency: Frequency;
}

export const PREFERENCE_DEFAULTS: PreferenceDefaults = {
  emailAllowed: true,
  smsAllowed: true,
  callAllowed: true,
  letterAllowed: true,
  frequency: Frequency.Unlimited,
};
