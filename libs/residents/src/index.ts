export * from './resident.entities';
export * from './residents.module';
