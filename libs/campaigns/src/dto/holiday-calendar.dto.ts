import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString } from 'class-validator';
import { MAX_CALENDAR_DATES } from '../business-calendar';

export class HolidayCalendarDto {
  @ApiProperty({
    type: [String],
    example: ['2027-01-01', '2027-01-04'],
    description:
      'Days off besides Saturdays and Sundays (YYYY-MM-DD): public holidays and the days off moved onto weekdays. ' +
      'Holidays that fall on a weekend may be listed too. / Нерабочие дни помимо суббот и воскресений: праздники и ' +
      'перенесённые выходные.',
  })
  @IsArray()
  @ArrayMaxSize(MAX_CALENDAR_DATES)
  @IsString({ each: true })
  daysOff!: string[];

  @ApiProperty({
    type: [String],
    example: ['2025-11-01'],
    description:
      'Saturdays and Sundays that are working days (YYYY-MM-DD), as moved by the government. / Рабочие субботы и ' +
      'воскресенья (перенесённые рабочие дни).',
  })
  @IsArray()
  @ArrayMaxSize(MAX_CALENDAR_DATES)
  @IsString({ each: true })
  workingDays!: string[];
}
