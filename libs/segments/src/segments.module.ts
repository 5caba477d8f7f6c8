import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Segment } from './entities/segment.entity';
import { SegmentsController } from './segments.controller';
import { SegmentCountService } from './segment-count.service';
import { SegmentCountsRetentionJob } from './segment-counts-retention.job';
import { SegmentsService } from './segments.service';

@Module({
  imports: [TypeOrmModule.forFeature([Segment])],
  providers: [SegmentsService, SegmentCountService],
  exports: [SegmentsService, SegmentCountService, TypeOrmModule],
})
export class SegmentsModule {}

@Module({
  imports: [SegmentsModule],
  controllers: [SegmentsController],
  providers: [SegmentCountsRetentionJob],
})
export class SegmentsApiModule {}
