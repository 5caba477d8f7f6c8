export * from './suppression.enums';
export * from './suppression.sql';
export * from './entities/suppression.entity';
export * from './suppression.service';
export * from './suppression.module';
export * from './dto/suppression.dto';
