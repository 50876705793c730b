import { AUTH_ENTITIES } from '@beacon/auth';
import { CADET_ENTITIES } from '@beacon/cadets';
import { CORE_ENTITIES } from '@beacon/core';
import { GEOGRAPHY_ENTITIES } from '@beacon/geography';
import { RESIDENT_ENTITIES } from '@beacon/residents';
import { SCHEME_ENTITIES } from '@beacon/schemes';

/** Every entity of every lib: what migrations are generated from and checked against. */
export const ALL_ENTITIES = [...CORE_ENTITIES, ...GEOGRAPHY_ENTITIES, ...AUTH_ENTITIES, ...RESIDENT_ENTITIES, ...SCHEME_ENTITIES, ...CADET_ENTITIES];
