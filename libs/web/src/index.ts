export * from './csp';
export * from './csrf';
export * from './form-errors';
export { englishT, PAGE_CATALOGUES, PAGE_LANGUAGE_COOKIE, PageI18n, type PageLanguage } from './i18n/page-i18n';
export * from './page-response';
export * from './view-renderer';
export * from './vocabulary';
export * from './web-assets';
export * from './web.module';
