export * from './staff-member.entity';
export * from './api-key.entity';
