export * from './errors/error-code.enum';
export * from './errors/domain.exception';
export * from './access/staff-role.enum';
export * from './access/access.decorators';
export * from './domain/channel.enum';
export * from './domain/locale.enum';
export * from './pagination';
export * from './domain/uuid';
