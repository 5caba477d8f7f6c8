export * from './staff-member.entity';
export * from './api-key.entity';
export * from './staff-session.entity';
export * from './staff-password-token.entity';
