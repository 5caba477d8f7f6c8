import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { BrandingController } from './branding/branding.controller';
import { BrandingService } from './branding/branding.service';
import { Signer } from './entities/signer.entity';
import { Template } from './entities/template.entity';
import { MessageContextBuilder } from './message-context.builder';
import { SignersController } from './signers.controller';
import { SignersService } from './signers.service';
import { TemplateLoaderService } from './template-loader.service';
import { TemplatePreviewService } from './template-preview.service';
import { TemplateRenderer } from './template-renderer';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/** Templates, signers, rendering and message contexts: what the API and the dispatchers share. */
@Module({
  imports: [TypeOrmModule.forFeature([Template, Signer]), ClientsModule],
  providers: [
    {
      provide: TemplateRenderer,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new TemplateRenderer({ currency: config.workspace.currency }),
    },
    BrandingService,
    MessageContextBuilder,
    TemplatesService,
    SignersService,
    TemplatePreviewService,
  ],
  exports: [
    BrandingService,
    TemplateRenderer,
    MessageContextBuilder,
    TemplatesService,
    SignersService,
    TemplatePreviewService,
    TypeOrmModule,
  ],
})
export class TemplatesModule {}

/** The HTTP API, and the default templates loaded at start (by the API, which every deployment runs). */
@Module({
  imports: [TemplatesModule],
  controllers: [TemplatesController, SignersController, BrandingController],
  providers: [TemplateLoaderService],
})
export class TemplatesApiModule {}
