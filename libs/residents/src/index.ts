export * from './resident.entities';
export * from './residents.module';
export { ResidentLinksService, LINK_TTL, type UnsubscribeScope } from './resident-links.service';
export { ResidentChannelsService, type ResidentChannelName } from './resident-channels.service';
export { ResidentSeedService, DEMO_RESIDENT_COUNT } from './resident-seed.service';
export { ResidentDataExporterProvider, type ResidentDataExporter } from './resident-data-exporter';
export { CONTACT_MASKED_ROLES } from './resident-directory.service';
export { maskEmail, maskPhone, normalisePhone } from './contact';
export type { ResidentProfile, ResidentListItem, ChannelView } from './residents.dto';
