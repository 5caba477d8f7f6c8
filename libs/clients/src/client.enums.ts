export enum ClientKind {
  Company = 'company',
  Person = 'person',
}

export enum Category {
  A = 'A',
  B = 'B',
  C = 'C',
  Vip = 'VIP',
}

/** The client pyramid: potential → probable → prospect → client → key; lapsed is automatic. */
export enum Stage {
  Potential = 'potential',
  Probable = 'probable',
  Prospect = 'prospect',
  Client = 'client',
  Key = 'key',
  Lapsed = 'lapsed',
}
