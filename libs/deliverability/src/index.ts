export * from './inbound.enums';
export * from './entities/inbound-bounce-event.entity';
export * from './inbound-classifier';
export * from './inbound-bounce.processor';
export * from './inbound-smtp.listener';
export * from './imap-bounce.poller';
export * from './deliverability.module';
export * from './dto/deliverability.dto';
