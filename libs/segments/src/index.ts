export * from './segment-rule';
export * from './segment-compiler';
export { SEGMENT_FIELD_NAMES } from './segment-fields';
export type { TopicValue, ValueDescription } from './segment-values';
export * from './entities/segment.entity';
export * from './dto/segment.dto';
export * from './segments.service';
export * from './segments.module';
export * from './named-segment.repository';
