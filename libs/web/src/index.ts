export * from './csp';
export * from './csrf';
export * from './form-errors';
export * from './page-response';
export * from './view-renderer';
export * from './vocabulary';
export * from './web-assets';
export * from './web.module';
