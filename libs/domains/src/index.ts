export { DOMAIN_MODULES } from './domain-modules';
