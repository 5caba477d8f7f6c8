export * from './token-signer';
export * from './links.service';
export * from './links.module';
export * from './short-links.service';
export * from './engagement';
export * from './machine-click';
export * from './engagement-settings.service';
